/**
 * Hosts and domains for cookies: canonical hosts, domain matching (RFC 6265bis §5.1.3), the
 * registrable domain from the public suffix list (tldts, private registries included as Chromium
 * does) and which hosts count as secure without TLS.
 *
 * @module
 */
// The list loads on first use (public_suffix.ts): before, effectiveDomain throws saying so.
import { publicSuffixList } from "./public_suffix.ts";

const PSL_OPTIONS = { allowPrivateDomains: true };
const registrableCache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

/**
 * Whether the host is an IP address literal (IPv4 dotted, or IPv6 with or without brackets).
 *
 * @example
 * ```ts
 * isIpAddress("127.0.0.1"); // true
 * isIpAddress("example.org"); // false
 * ```
 */
export function isIpAddress(host: string): boolean {
  if (host.includes(":")) return true;
  const last = host.charCodeAt(host.length - 1);
  if (!(last >= 0x30 && last <= 0x39)) return false;
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The registrable domain (eTLD+1) of a canonical host, or the host itself when it has none (an IP
 * address, `localhost`, a public suffix). Cookies are grouped and limited by this key.
 *
 * @example
 * ```ts
 * registrableDomain("home.example.org"); // "example.org"
 * registrableDomain("127.0.0.1"); // "127.0.0.1"
 * ```
 */
export function registrableDomain(host: string): string {
  return effectiveDomain(host) || host;
}

/**
 * The registrable domain (eTLD+1) of a canonical host, or `""` when it has none (an IP address,
 * `localhost`, a public suffix such as `co.uk`). Cached.
 *
 * @example
 * ```ts
 * effectiveDomain("a.b.example.co.uk"); // "example.co.uk"
 * effectiveDomain("co.uk"); // ""
 * ```
 */
export function effectiveDomain(host: string): string {
  let key = registrableCache.get(host);
  if (key !== undefined) return key;
  key = isIpAddress(host) ? "" : (publicSuffixList().getDomain(host, PSL_OPTIONS) ?? "");
  if (registrableCache.size >= CACHE_LIMIT) registrableCache.clear();
  registrableCache.set(host, key);
  return key;
}

/**
 * Whether the host is itself a public suffix (such as `org` or `github.io`), on which no domain
 * cookie may be set.
 *
 * @example
 * ```ts
 * isPublicSuffix("co.uk"); // true
 * isPublicSuffix("example.co.uk"); // false
 * ```
 */
export function isPublicSuffix(host: string): boolean {
  if (isIpAddress(host)) return false;
  return effectiveDomain(host) === "";
}

/**
 * Domain matching (RFC 6265bis §5.1.3): `host` equals `domain`, or ends with `.domain` and is not
 * an IP address.
 *
 * @example
 * ```ts
 * domainMatch("home.example.org", "example.org"); // true
 * domainMatch("example.org", "home.example.org"); // false
 * ```
 */
export function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  const hl = host.length;
  const dl = domain.length;
  return hl > dl && host.charCodeAt(hl - dl - 1) === 0x2e && host.endsWith(domain) &&
    !isIpAddress(host);
}

/**
 * Canonicalises a host name the way URLs do (lower case, punycode, IPv4 normalised), or returns
 * null when it is not a valid host. A trailing dot is kept, so `example.org.` stays distinct.
 *
 * @example
 * ```ts
 * canonicalHost("Home.Example.ORG"); // "home.example.org"
 * canonicalHost("bad host"); // null
 * ```
 */
export function canonicalHost(input: string): string | null {
  if (input.length === 0) return null;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(input)) return input;
  if (/[\s:/\\?#@%[\]<>^|"]/.test(input) && !/^\[[0-9a-fA-F:.]+\]$/.test(input)) {
    // IPv6 literals in brackets are the only hosts allowed to hold ':'.
    return null;
  }
  try {
    const host = new URL(`http://${input}/`).hostname;
    return host.length > 0 ? host : null;
  } catch {
    return null;
  }
}

/**
 * Whether a host counts as secure without TLS, as Chromium treats it for cookies: `localhost`,
 * `*.localhost`, 127.0.0.0/8 and `::1`.
 *
 * @example
 * ```ts
 * isTrustworthyHost("localhost"); // true
 * isTrustworthyHost("example.org"); // false
 * ```
 */
export function isTrustworthyHost(host: string): boolean {
  const c = host.charCodeAt(0);
  if (c === 0x31) return host.startsWith("127.") && /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (c === 0x5b || c === 0x3a) return host === "[::1]" || host === "::1";
  return host === "localhost" || host.endsWith(".localhost");
}
