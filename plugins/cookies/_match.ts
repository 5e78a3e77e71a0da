/**
 * The inner loop of a cookie lookup: which cookies of one registrable-domain group a request
 * carries.
 *
 * @module
 */
import {
  type CookieRecord,
  F_HOST_ONLY,
  F_HTTP_ONLY,
  F_SECURE,
  SAME_SITE_SHIFT,
} from "./cookie.ts";
import { type CookieUrl, pathMatch } from "./cookie_url.ts";
import { CONTEXT_LAX_METHOD_UNSAFE, CONTEXT_STRICT } from "./same_site.ts";

/**
 * Unspecified-SameSite cookies younger than this ride unsafe top-level navigations (s).
 *
 * @example
 * ```ts
 * LAX_ALLOW_UNSAFE_S; // 2 * 60
 * ```
 */
export const LAX_ALLOW_UNSAFE_S = 2 * 60;

/**
 * Appends the cookies of one group that a request matches (domain, path, Secure, HttpOnly,
 * SameSite), in the group's order; returns the expired ones it saw (or null).
 *
 * @example
 * ```ts
 * import { parseCookieUrl } from "./cookie_url.ts";
 * const out: CookieRecord[] = [];
 * scanGroup([], parseCookieUrl("https://x.test/"), 0, CONTEXT_STRICT, true, out); // null
 * ```
 */
export function scanGroup(
  bucket: CookieRecord[],
  u: CookieUrl,
  now: number,
  level: number,
  http: boolean,
  out: CookieRecord[],
): CookieRecord[] | null {
  const host = u.host;
  const path = u.path;
  let expired: CookieRecord[] | null = null;
  for (let i = 0; i < bucket.length; i++) {
    const c = bucket[i];
    if (c.expires <= now) {
      (expired ??= []).push(c);
      continue;
    }
    const f = c.flags;
    const d = c.domain;
    if (d !== host) {
      if (f & F_HOST_ONLY) continue;
      const hl = host.length;
      const dl = d.length;
      if (hl <= dl || host.charCodeAt(hl - dl - 1) !== 0x2e || !host.endsWith(d)) continue;
    }
    const cp = c.path;
    if (cp !== path && cp !== "/" && !pathMatch(path, cp)) continue;
    if ((f & F_SECURE) && !u.secure) continue;
    if ((f & F_HTTP_ONLY) && !http) continue;
    if (level !== CONTEXT_STRICT) {
      const ss = (f >> SAME_SITE_SHIFT) & 3;
      if (ss === 3) continue; // strict
      if (ss === 2 && level !== 1) continue; // lax needs a safe top-level navigation
      if (ss === 0 && level !== 1) {
        // Lax by default; Chromium's "Lax+POST": under 2 minutes old, unsafe top-level ok
        if (level !== CONTEXT_LAX_METHOD_UNSAFE || now - c.created > LAX_ALLOW_UNSAFE_S) {
          continue;
        }
      }
    }
    out.push(c);
  }
  return expired;
}
