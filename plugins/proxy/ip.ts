/**
 * IP addresses as Chromium's proxy code reads them, on ipaddr.js: strict dotted-quad IPv4, RFC
 * 4291 IPv6 (an embedded IPv4 tail allowed, a zone not), CIDR blocks, and IPv4-mapped IPv6 that
 * compares as IPv4.
 *
 * @module
 */

import ipaddr from "ipaddr.js";

const FOUR_PART = /^(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}$/;

/** An IP address (ipaddr.js's `IPv4` or `IPv6`). */
export type IPAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses a strict dotted-quad IPv4 literal (`192.168.0.1`, no leading zeros), or returns null.
 *
 * @example
 * ```ts
 * parseIPv4("10.0.0.1")?.toString(); // "10.0.0.1"
 * parseIPv4("256.0.0.1"); // null
 * ```
 */
export function parseIPv4(text: string): ipaddr.IPv4 | null {
  // The shape first: ipaddr.js alone also reads `0x1`, `010` and `1.2` as IPv4.
  if (!FOUR_PART.test(text)) return null;
  try {
    return ipaddr.IPv4.parse(text);
  } catch {
    return null; // an octet over 255
  }
}

/**
 * Parses an IPv6 literal without brackets (`::1`, `::ffff:1.2.3.4`), or returns null.
 *
 * @example
 * ```ts
 * parseIPv6("::1")?.toRFC5952String(); // "::1"
 * parseIPv6("0:0:0:1"); // null
 * ```
 */
export function parseIPv6(text: string): ipaddr.IPv6 | null {
  if (text.includes("%")) return null;
  const tail = text.slice(text.lastIndexOf(":") + 1);
  if (tail.includes(".")) {
    // ipaddr.js reads the IPv4 tail loosely (`0x1`, `01`) and makes the deprecated IPv4-compatible
    // `::a.b.c.d` IPv4-mapped; RFC 4291 and Chromium keep it `::a.b.c.d` (`0::` parses so).
    if (!parseIPv4(tail)) return null;
    if (text.startsWith("::") && text.indexOf(":", 2) < 0) text = `0${text}`;
  }
  return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null;
}

/**
 * Parses an IPv4 or IPv6 literal (IPv6 optionally in brackets when `brackets` is true).
 *
 * @example
 * ```ts
 * parseIP("[::1]", true)?.kind(); // "ipv6"
 * ```
 */
export function parseIP(text: string, brackets = false): IPAddress | null {
  if (brackets && text.startsWith("[") && text.endsWith("]")) {
    return parseIPv6(text.slice(1, -1));
  }
  return parseIPv4(text) ?? (text.includes(":") ? parseIPv6(text) : null);
}

/**
 * Formats an address: dotted quad, or RFC 5952 IPv6 (no brackets).
 *
 * @example
 * ```ts
 * formatIP(parseIPv6("3ffe:2a00:100:7031:0:0::1")!); // "3ffe:2a00:100:7031::1"
 * ```
 */
export function formatIP(ip: IPAddress): string {
  return ip.kind() === "ipv4" ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String();
}

/**
 * Whether `ip` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
 *
 * @example
 * ```ts
 * isIPv4Mapped(parseIPv6("::ffff:1.2.3.4")!); // true
 * ```
 */
export function isIPv4Mapped(ip: IPAddress): ip is ipaddr.IPv6 {
  return ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress();
}

/** A CIDR block: a prefix address and how many leading bits must match. */
export interface IPBlock {
  /** The prefix address. */
  address: IPAddress;
  /** Leading bits that must match (0..32 or 0..128). */
  prefixLength: number;
}

/**
 * Parses `address/bits` (no brackets, the address as strict as {@link parseIP}), or returns null.
 *
 * @example
 * ```ts
 * parseCIDR("192.168.1.1/16")?.prefixLength; // 16
 * ```
 */
export function parseCIDR(text: string): IPBlock | null {
  const slash = text.indexOf("/");
  if (slash < 0 || slash !== text.lastIndexOf("/")) return null;
  const address = parseIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (!address || !/^[0-9]{1,3}$/.test(bits)) return null;
  const prefixLength = Number(bits);
  if (prefixLength > (address.kind() === "ipv4" ? 32 : 128)) return null;
  return { address, prefixLength };
}

/**
 * Whether `ip` lies in `block`; IPv4 and IPv4-mapped IPv6 compare interchangeably (as Chromium's
 * `IPAddressMatchesPrefix`).
 *
 * @example
 * ```ts
 * ipInBlock(parseIP("10.1.2.3")!, parseCIDR("10.0.0.0/8")!); // true
 * ipInBlock(parseIP("::ffff:10.1.2.3")!, parseCIDR("10.0.0.0/8")!); // true
 * ```
 */
export function ipInBlock(ip: IPAddress, block: IPBlock): boolean {
  const { address, prefixLength } = block;
  if (ip.kind() === address.kind()) return ip.match(address, prefixLength);
  if (ip.kind() === "ipv4") {
    return (ip as ipaddr.IPv4).toIPv4MappedAddress().match(address, prefixLength);
  }
  return ip.match((address as ipaddr.IPv4).toIPv4MappedAddress(), prefixLength + 96);
}

/**
 * Compares two addresses (IPv4 before IPv6, each in address order).
 *
 * @example
 * ```ts
 * compareIP(parseIP("::1")!, parseIP("::2")!); // -1
 * ```
 */
export function compareIP(a: IPAddress, b: IPAddress): number {
  const x = a.kind() === "ipv4" ? (a as ipaddr.IPv4).octets : (a as ipaddr.IPv6).parts;
  const y = b.kind() === "ipv4" ? (b as ipaddr.IPv4).octets : (b as ipaddr.IPv6).parts;
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}
