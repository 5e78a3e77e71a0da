/**
 * What an extension's host permissions cover. MV3 lists them in `host_permissions`, MV2 among
 * `permissions` (an entry that is a match pattern). As in Chrome, a host permission grants the
 * whole origin: its path is not looked at.
 *
 * @module
 */
import { MatchPattern } from "../web-request/match_pattern.ts";
import type { ExtensionManifest } from "./extension_manifest.ts";

/** Whether a permission string is a host pattern rather than an API permission. */
export function isHostPattern(permission: string): boolean {
  return permission === "<all_urls>" || permission.includes("://");
}

/**
 * The host permissions of an extension.
 *
 * @example
 * ```ts
 * const access = new HostAccess(["https://*.example.com/"]);
 * access.covers("https://a.example.com/x"); // true
 * access.covers("https://example.org/"); // false
 * ```
 */
export class HostAccess {
  /** The patterns, as the manifest wrote them. */
  readonly origins: readonly string[];
  readonly #patterns: MatchPattern[];
  readonly #fileAccess: boolean;

  /** Parses the patterns; a TypeError names the invalid one. */
  constructor(origins: readonly string[], where = "host_permissions", allowFileAccess = false) {
    this.origins = [...origins];
    this.#fileAccess = allowFileAccess;
    this.#patterns = origins.map((origin) => {
      try {
        return new MatchPattern(origin);
      } catch (error) {
        throw new TypeError(`${where}: ${(error as Error).message}`);
      }
    });
  }

  /** The host permissions of a manifest (MV3 `host_permissions`, MV2 patterns in `permissions`). */
  static of(manifest: ExtensionManifest, file: string, allowFileAccess = false): HostAccess {
    const origins = manifest.manifest_version === 3
      ? manifest.host_permissions ?? []
      : (manifest.permissions ?? []).filter(isHostPattern);
    return new HostAccess(
      origins,
      `${file}: ${manifest.manifest_version === 3 ? "host_permissions" : "permissions"}`,
      allowFileAccess,
    );
  }

  /** Whether the extension may see or change a request to `url` (the path is not looked at). */
  covers(url: string): boolean {
    if (this.#patterns.length === 0) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    const scheme = parsed.protocol.slice(0, -1);
    // file:// URLs only with allowFileAccess (Chrome's "Allow access to file URLs")
    if (scheme === "file" && !this.#fileAccess) return false;
    const host = parsed.hostname;
    const port = parsed.port || (scheme === "https" ? "443" : scheme === "http" ? "80" : "");
    return this.#patterns.some((p) =>
      p.matchAllUrls
        ? p.matchesScheme(scheme)
        : p.matchesScheme(scheme) && p.matchesHost(host) && p.matchesPort(port)
    );
  }

  /** Whether every URL of a scheme is covered (`<all_urls>`, `*://*\/*`). */
  get coversEveryHost(): boolean {
    return this.#patterns.some((p) => p.matchAllUrls || p.host === "");
  }

  /**
   * The hosts a Deno Worker may connect to (`host` or `*.host`); empty when every host is
   * covered, which {@linkcode coversEveryHost} says.
   */
  netHosts(): string[] {
    const hosts = new Set<string>();
    for (const p of this.#patterns) {
      if (p.matchAllUrls || p.host === "") continue;
      const port = p.port === "*" ? "" : `:${p.port}`;
      hosts.add(`${p.host}${port}`);
      if (p.matchSubdomains) hosts.add(`*.${p.host}${port}`);
    }
    return [...hosts];
  }
}
