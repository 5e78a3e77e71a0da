/**
 * Rules a cookie must pass to be stored, apart from the jar's state: the Domain attribute against
 * the request's host and the public suffix list, and the `__Secure-`/`__Host-`/`__Http-`/
 * `__Host-Http-` prefixes.
 *
 * @module
 */
import { canonicalHost, domainMatch, effectiveDomain, isIpAddress } from "./domain_match.ts";
import type { ParsedSetCookie } from "./parse_set_cookie.ts";

/**
 * The cookie's domain and host-only flag for a Domain attribute (or its absence) set from
 * `host`, whose registrable domain is `urlDomain` (`""` when it has none); a string says why
 * the attribute is refused.
 *
 * @example
 * ```ts
 * resolveDomain("example.org", "www.example.org", "example.org"); // { domain: "example.org", hostOnly: false }
 * resolveDomain("org", "www.example.org", "example.org"); // "Domain attribute org is a public suffix"
 * ```
 */
export function resolveDomain(
  attribute: string | undefined,
  host: string,
  urlDomain: string,
): { domain: string; hostOnly: boolean } | string {
  if (attribute === undefined) return { domain: host, hostOnly: true };
  // A dot-suffix of the (canonical) host is canonical already; anything else is checked.
  const d = domainMatch(host, attribute) ? attribute : canonicalHost(attribute);
  if (d === null) return `Domain attribute ${attribute} is not a valid host`;
  // Chromium refuses a Domain attribute ending in a dot unless the host does too.
  if (attribute.endsWith(".") && !host.endsWith(".")) {
    return `Domain attribute ${attribute} ends with a dot`;
  }
  if (urlDomain === "") {
    // IP addresses, localhost and public suffixes: only their own host, as a host cookie
    if (d !== host) return `Domain attribute ${d} is not allowed for host ${host}`;
    return { domain: host, hostOnly: true };
  }
  if (d !== host && d !== urlDomain) {
    const dDomain = effectiveDomain(d);
    if (dDomain !== urlDomain) {
      return dDomain === "" && !isIpAddress(d)
        ? `Domain attribute ${d} is a public suffix`
        : `Domain attribute ${d} does not match host ${host}`;
    }
    if (!domainMatch(host, d)) return `Domain attribute ${d} does not match host ${host}`;
  }
  return { domain: d, hostOnly: false };
}

/**
 * Why the cookie breaks a name prefix rule, or null: `__Secure-`, `__Host-` (RFC 6265bis
 * §4.1.3), and the draft's `__Http-` (Secure and HttpOnly) and `__Host-Http-` (both, plus the
 * `__Host-` rules), case-insensitive as Chromium checks them.
 *
 * @example
 * ```ts
 * import { parseSetCookie } from "./parse_set_cookie.ts";
 * checkPrefixes(parseSetCookie("__Host-a=1; Secure")!); // "__Host- cookie without Path=/"
 * ```
 */
export function checkPrefixes(p: ParsedSetCookie): string | null {
  const name = p.name;
  if (name.length === 0) {
    const v = p.value.slice(0, 9).toLowerCase();
    if (v.startsWith("__secure-") || v.startsWith("__host-") || v.startsWith("__http-")) {
      return "Nameless cookie whose value starts with a cookie prefix";
    }
    return null;
  }
  if (name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return null;
  const lower = name.slice(0, 12).toLowerCase();
  if (lower.startsWith("__secure-") && !p.secure) return "__Secure- cookie without Secure";
  if (lower.startsWith("__http-")) {
    if (!p.secure) return "__Http- cookie without Secure";
    if (!p.httpOnly) return "__Http- cookie without HttpOnly";
  }
  if (lower.startsWith("__host-")) {
    const label = lower.startsWith("__host-http-") ? "__Host-Http-" : "__Host-";
    if (!p.secure) return `${label} cookie without Secure`;
    if (label === "__Host-Http-" && !p.httpOnly) return "__Host-Http- cookie without HttpOnly";
    if (p.domain !== undefined) return `${label} cookie with a Domain attribute`;
    if (p.path !== "/") return `${label} cookie without Path=/`;
  }
  return null;
}
