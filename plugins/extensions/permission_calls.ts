/**
 * `chrome.permissions.*` calls of a background: the permissions and host patterns it was loaded
 * with. `contains` compares origin patterns as Chrome's pattern sets do (each asked pattern must
 * lie within a granted one); `request` and `remove` answer false, since there is no user to ask
 * and nothing is granted or withdrawn at run time.
 *
 * @module
 */
import { MatchPattern } from "../web-request/match_pattern.ts";

/** What the calls read of the extension. */
export interface GrantedPermissions {
  /** Its API permissions. */
  permissions: readonly string[];
  /** Its host permissions as the manifest wrote them. */
  origins: readonly string[];
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
      const asked = (args[0] ?? {}) as { permissions?: string[]; origins?: string[] };
      const patterns = granted.origins.map((origin) => new MatchPattern(origin));
      return (asked.permissions ?? []).every((p) => granted.permissions.includes(p)) &&
        (asked.origins ?? []).every((origin) => {
          const pattern = askedPattern(origin);
          return patterns.some((g) => patternContains(g, pattern));
        });
    }
    case "request":
    case "remove":
      return false;
  }
  throw new Error(`permissions.${op} is not supported by websession`);
}

function askedPattern(origin: string): MatchPattern {
  try {
    return new MatchPattern(origin);
  } catch (error) {
    throw new TypeError(`Invalid value for origin pattern ${origin}: ${(error as Error).message}`);
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
