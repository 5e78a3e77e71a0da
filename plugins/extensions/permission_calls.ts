/**
 * `chrome.permissions.*` calls of a background: the permissions and host patterns it was loaded
 * with, as Chromium 156 answers a background (checked with puppeteer-core). `contains` compares
 * origin patterns as Chrome's pattern sets do (each asked pattern must lie within a granted one)
 * and refuses a permission name Chrome does not know; `request` needs a user gesture, which a
 * background never has, so it always fails; `remove` refuses required permissions and ones the
 * manifest does not declare, and answers true for optional ones (never granted here, so there is
 * nothing to withdraw).
 *
 * @module
 */
import { MatchPattern } from "../web-request/match_pattern.ts";
import { CHROME_PERMISSION_NAMES } from "./_chrome_permission_names.ts";
import { isHostPattern } from "./host_access.ts";

/** What the calls read of the extension. */
export interface GrantedPermissions {
  /** Its API permissions. */
  permissions: readonly string[];
  /** Its host permissions as the manifest wrote them. */
  origins: readonly string[];
  /** Its `optional_permissions` (API permissions only). */
  optionalPermissions?: readonly string[];
  /** Its `optional_host_permissions` (and MV2 host patterns in `optional_permissions`). */
  optionalOrigins?: readonly string[];
}

/**
 * What an extension was granted and may ask for, read from its manifest: its API permissions and
 * host access, and the optional ones (MV3 `optional_host_permissions`, and host patterns in
 * `optional_permissions` as MV2 has them).
 *
 * @example
 * ```ts
 * grantedPermissions({ optional_permissions: ["bookmarks"] }, ["storage"], { origins: [] });
 * // { permissions: ["storage"], origins: [], optionalPermissions: ["bookmarks"], optionalOrigins: [] }
 * ```
 */
export function grantedPermissions(
  manifest: { optional_permissions?: string[]; optional_host_permissions?: string[] },
  permissions: readonly string[],
  access: { origins: readonly string[] },
): GrantedPermissions {
  const optional = manifest.optional_permissions ?? [];
  return {
    permissions,
    origins: access.origins,
    optionalPermissions: optional.filter((p) => !isHostPattern(p)),
    optionalOrigins: [
      ...(manifest.optional_host_permissions ?? []),
      ...optional.filter(isHostPattern),
    ],
  };
}

/** The `permissions.Permissions` a call names; Chrome's words for a permission it does not know. */
function askedPermissions(args: unknown[]): { permissions: string[]; origins: string[] } {
  const asked = (args[0] ?? {}) as { permissions?: string[]; origins?: string[] };
  for (const name of asked.permissions ?? []) {
    if (!CHROME_PERMISSION_NAMES.has(name)) {
      throw new Error(`'${name}' is not a recognized permission.`);
    }
  }
  return { permissions: asked.permissions ?? [], origins: asked.origins ?? [] };
}

/**
 * Answers one `chrome.permissions.<op>` call.
 *
 * @example
 * ```ts
 * const granted = { permissions: ["storage"], origins: ["<all_urls>"] };
 * permissionsCall("contains", [{ origins: ["*://*\/*"] }], granted); // true
 * ```
 */
export function permissionsCall(op: string, args: unknown[], granted: GrantedPermissions): unknown {
  switch (op) {
    case "getAll":
      return { permissions: [...granted.permissions], origins: [...granted.origins] };
    case "contains": {
      const asked = askedPermissions(args);
      return asked.permissions.every((p) => granted.permissions.includes(p)) &&
        asked.origins.every((origin) => within(granted.origins, origin));
    }
    case "request":
      askedPermissions(args);
      throw new Error("This function must be called during a user gesture");
    case "remove": {
      const asked = askedPermissions(args);
      const optionalPermissions = granted.optionalPermissions ?? [];
      const optionalOrigins = granted.optionalOrigins ?? [];
      for (const p of asked.permissions) {
        if (optionalPermissions.includes(p)) continue;
        throw new Error(
          granted.permissions.includes(p)
            ? "You cannot remove required permissions."
            : "Only permissions specified in the manifest may be requested.",
        );
      }
      for (const origin of asked.origins) {
        if (within(optionalOrigins, origin)) continue;
        throw new Error(
          within(granted.origins, origin)
            ? "You cannot remove required permissions."
            : "Only permissions specified in the manifest may be requested.",
        );
      }
      return true;
    }
  }
  throw new Error(`permissions.${op} is not supported by websession`);
}

/** Whether the origin pattern asked lies within one of `patterns`. */
function within(patterns: readonly string[], origin: string): boolean {
  const pattern = askedPattern(origin);
  return patterns.some((p) => patternContains(new MatchPattern(p), pattern));
}

function askedPattern(origin: string): MatchPattern {
  try {
    return new MatchPattern(origin);
  } catch (error) {
    // Chrome's words: "Invalid value for origin pattern bad: Missing scheme separator."
    const reason = (error as Error).message.replace(/^Invalid match pattern "[^"]*": /, "");
    const sentence = `${reason[0].toUpperCase()}${reason.slice(1)}`;
    throw new TypeError(
      `Invalid value for origin pattern ${origin}: ${sentence}${sentence.endsWith(".") ? "" : "."}`,
    );
  }
}

/** Whether every URL `inner` matches is matched by `outer` (Chrome's `URLPattern::Contains`). */
function patternContains(outer: MatchPattern, inner: MatchPattern): boolean {
  const schemes = inner.matchAllUrls
    ? ["http", "https", "ws", "wss", "ftp", "file"]
    : inner.scheme === "*"
    ? ["http", "https"]
    : [inner.scheme];
  if (!schemes.every((s) => outer.matchesScheme(s))) return false;
  if (outer.matchAllUrls) return true;
  // an empty host is `*` (every host): only a pattern with every host contains it
  if (outer.host === "") return outer.port === "*" || outer.port === inner.port;
  if (inner.matchAllUrls || inner.host === "") return false;
  if (!outer.matchesHost(inner.host)) return false;
  if (inner.matchSubdomains && !outer.matchSubdomains) return false;
  return outer.port === "*" || outer.port === inner.port;
}
