/**
 * The PAC helpers that run in the host rather than in the sandbox (they need IP parsing):
 * Microsoft's `sortIpAddressList` and `isInNetEx`, and the IDN conversion of DNS bindings.
 *
 * @module
 */

import { compareIP, type IPAddress, ipInBlock, parseCIDR, parseIPv4, parseIPv6 } from "./ip.ts";

/**
 * A host name as DNS sees it: IDN to punycode (as Chromium's bindings pass names), other text as
 * is.
 *
 * @example
 * ```ts
 * toAsciiHost("Bücher.ch"); // "xn--bcher-kva.ch"
 * ```
 */
export function toAsciiHost(host: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return host;
  }
}

function parseLiteral(text: string): IPAddress | null {
  return parseIPv4(text) ?? (text.includes(":") ? parseIPv6(text) : null);
}

/**
 * Chromium's `sortIpAddressList`: IPv6 before IPv4, each family in address order (stable),
 * the original spellings kept; false when the list is empty or holds an invalid address.
 *
 * @example
 * ```ts
 * sortIpAddressList("10.0.0.1; ::1"); // "::1;10.0.0.1"
 * ```
 */
export function sortIpAddressList(list: string): string | false {
  const items: { text: string; ip: IPAddress }[] = [];
  for (const raw of list.split(";")) {
    const text = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (text === "") continue;
    const ip = parseLiteral(text);
    if (!ip) return false;
    items.push({ text, ip });
  }
  if (items.length === 0) return false;
  items.sort((a, b) =>
    a.ip.kind() === b.ip.kind() ? compareIP(a.ip, b.ip) : a.ip.kind() === "ipv6" ? -1 : 1
  );
  return items.map((i) => i.text).join(";");
}

/**
 * Microsoft's `isInNetEx(ip, "prefix/bits")` for IPv4 and IPv6 (IPv4-mapped compare equal).
 *
 * @example
 * ```ts
 * isInNetEx("198.95.1.1", "198.95.0.0/16"); // true
 * ```
 */
export function isInNetEx(ip: string, prefix: string): boolean {
  const address = parseLiteral(ip);
  const block = parseCIDR(prefix);
  return address !== null && block !== null && ipInBlock(address, block);
}
