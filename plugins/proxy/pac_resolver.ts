/**
 * A PAC script as a proxy resolver: Chromium's URL stripping before `FindProxyForURL` sees a URL,
 * the result parsed into a proxy list, and any failure turned into DIRECT with the reason. A
 * sandbox that ran out of memory is replaced by a fresh one (its memory freed), as Chromium
 * restarts its proxy resolver.
 *
 * @module
 */

import { parsePacResult } from "./proxy_list.ts";
import { DIRECT, type ProxyChain } from "./proxy_server.ts";
import { type PacOutcome, PacSandbox, type PacSandboxOptions } from "./pac_sandbox.ts";

/** What `FindProxyForURL` receives for a URL. */
export interface PacArguments {
  /** The URL as the script sees it. */
  url: string;
  /** The host: no port, IPv6 without brackets. */
  host: string;
}

/**
 * Chromium's PAC URL stripping: credentials and fragment are removed; for https and wss only
 * the origin and `/` are kept (the path and query are private). The host loses IPv6 brackets.
 *
 * @example
 * ```ts
 * pacArguments("https://u:p@[::1]:8443/secret?q#f");
 * // { url: "https://[::1]:8443/", host: "::1" }
 * ```
 */
export function pacArguments(url: string | URL): PacArguments {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  u.hash = "";
  if (u.protocol === "https:" || u.protocol === "wss:") {
    u.pathname = "/";
    u.search = "";
  }
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  return { url: u.href, host };
}

/** The proxy list a PAC script gave a URL, and why it fell back to DIRECT when it did. */
export interface PacDecision {
  /** The chains to try. */
  list: ProxyChain[];
  /** The script's raw answer, when it gave one. */
  result: string | null;
  /** Why the script failed (the list is then DIRECT), or null. */
  error: string | null;
}

/**
 * The decision for one call's outcome: the parsed list, or DIRECT with the reason.
 *
 * @example
 * ```ts
 * pacDecision({ ok: true, result: "PROXY p:80" }).list.length; // 1
 * pacDecision({ ok: false, error: "boom", errors: [] }).error; // "boom"
 * ```
 */
export function pacDecision(outcome: PacOutcome): PacDecision {
  if (!outcome.ok) return { list: [DIRECT], result: null, error: outcome.error };
  return { list: parsePacResult(outcome.result), result: outcome.result, error: null };
}

/**
 * Resolves URLs with a loaded PAC script.
 *
 * @example
 * ```ts
 * import { staticHostResolver } from "./host_resolver.ts";
 * const pac = await PacResolver.create('function FindProxyForURL(u, h) { return "SOCKS5 s:1080"; }',
 *   { resolver: staticHostResolver({}) });
 * (await pac.resolve("http://example.com/")).result; // "SOCKS5 s:1080"
 * pac.dispose();
 * ```
 */
export class PacResolver {
  #sandbox: PacSandbox;
  #script: string;
  #options: PacSandboxOptions;
  #replacing: Promise<PacSandbox> | null = null;
  #disposed = false;

  private constructor(sandbox: PacSandbox, script: string, options: PacSandboxOptions) {
    this.#sandbox = sandbox;
    this.#script = script;
    this.#options = options;
  }

  /** Loads the script (throws `PacLoadError` when it cannot be used). */
  static async create(script: string, options: PacSandboxOptions): Promise<PacResolver> {
    return new PacResolver(await PacSandbox.create(script, options), script, options);
  }

  /** The sandbox, for direct calls. */
  get sandbox(): PacSandbox {
    return this.#sandbox;
  }

  /** Runs the script for `url`; a failure yields DIRECT with the reason in `error`. */
  async resolve(url: string | URL, options: { signal?: AbortSignal } = {}): Promise<PacDecision> {
    const args = pacArguments(url);
    return pacDecision(await this.findProxyForURL(args.url, args.host, options));
  }

  /**
   * Calls the script with arguments already stripped (see {@link pacArguments}); a sandbox that
   * ran out of memory is replaced before the next call.
   */
  async findProxyForURL(
    url: string,
    host: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<PacOutcome> {
    if (this.#replacing) {
      try {
        this.#sandbox = await this.#replacing;
      } catch (error) {
        return { ok: false, error: `PAC script could not be reloaded: ${error}`, errors: [] };
      } finally {
        this.#replacing = null;
      }
    }
    const sandbox = this.#sandbox;
    let outcome: PacOutcome;
    try {
      outcome = await sandbox.findProxyForURL(url, host, options);
    } catch (error) {
      // Queued behind a call that broke the sandbox, which was then freed.
      return {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        errors: [],
      };
    }
    if (sandbox.broken && !this.#disposed && sandbox === this.#sandbox && !this.#replacing) {
      sandbox.dispose();
      this.#replacing = PacSandbox.create(this.#script, this.#options);
      this.#replacing.catch(() => {});
    }
    return outcome;
  }

  /** Frees the sandbox. */
  dispose(): void {
    this.#disposed = true;
    this.#sandbox.dispose();
    this.#replacing?.then((s) => s.dispose(), () => {});
  }
}
