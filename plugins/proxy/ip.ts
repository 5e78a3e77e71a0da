/**
 * IP address parsing, formatting and prefix matching as Chromium's proxy code needs it: strict
 * dotted-quad IPv4, RFC 4291 IPv6 (with an embedded IPv4 tail), CIDR blocks, IPv4-mapped IPv6.
 *
 * @module
 */

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IPAddress = Uint8Array;

/**
 * Parses a strict dotted-quad IPv4 literal (`192.168.0.1`), or returns null.
 *
 * @example
 * ```ts
 * parseIPv4("10.0.0.1"); // Uint8Array [10, 0, 0, 1]
 * parseIPv4("256.0.0.1"); // null
 * ```
 */
export function parseIPv4(text: string): IPAddress | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length === 0 || p.length > 3) return null;
    let n = 0;
    for (let j = 0; j < p.length; j++) {
      const c = p.charCodeAt(j);
      if (c < 48 || c > 57) return null;
      n = n * 10 + (c - 48);
    }
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/**
 * Parses an IPv6 literal without brackets (`::1`, `::ffff:1.2.3.4`), or returns null.
 *
 * @example
 * ```ts
 * parseIPv6("::1")?.[15]; // 1
 * parseIPv6("0:0:0:1"); // null
 * ```
 */
export function parseIPv6(text: string): IPAddress | null {
  if (text.length < 2 || text.length > 45) return null;
  let head = text;
  let v4: IPAddress | null = null;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.indexOf(".", lastColon) > lastColon) {
    v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return null;
    head = text.slice(0, lastColon + 1);
    // Drop the colon before the IPv4 part unless it belongs to a `::` (as in `::1.2.3.4`).
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const groupsWanted = v4 ? 6 : 8;
  const dbl = head.indexOf("::");
  if (dbl !== head.lastIndexOf("::")) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (g.length === 0 || g.length > 4) return null;
      let n = 0;
      for (let j = 0; j < g.length; j++) {
        const c = g.charCodeAt(j);
        const d = c >= 48 && c <= 57
          ? c - 48
          : c >= 97 && c <= 102
          ? c - 87
          : c >= 65 && c <= 70
          ? c - 55
          : -1;
        if (d < 0) return null;
        n = n * 16 + d;
      }
      out.push(n);
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right || left.length + right.length >= groupsWanted) return null;
    groups = [...left, ...new Array(groupsWanted - left.length - right.length).fill(0), ...right];
  } else {
    const all = parseGroups(head);
    if (!all || all.length !== groupsWanted) return null;
    groups = all;
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < groups.length; i++) {
    out[i * 2] = groups[i] >> 8;
    out[i * 2 + 1] = groups[i] & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}

/**
 * Parses an IPv4 or IPv6 literal (IPv6 optionally in brackets when `brackets` is true).
 *
 * @example
 * ```ts
 * parseIP("[::1]", true)?.length; // 16
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
  if (ip.length === 4) return ip.join(".");
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((ip[i] << 8) | ip[i + 1]);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((n) => n.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return hex(g.slice(0, bestStart)) + "::" + hex(g.slice(bestStart + bestLen));
}

/**
 * Whether `ip` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
 *
 * @example
 * ```ts
 * isIPv4Mapped(parseIPv6("::ffff:1.2.3.4")!); // true
 * ```
 */
export function isIPv4Mapped(ip: IPAddress): boolean {
  if (ip.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

/**
 * Converts IPv4 to its IPv4-mapped IPv6 form; IPv6 is returned as is.
 *
 * @example
 * ```ts
 * toIPv6(parseIPv4("1.2.3.4")!).length; // 16
 * ```
 */
export function toIPv6(ip: IPAddress): IPAddress {
  if (ip.length === 16) return ip;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip, 12);
  return out;
}

/** A CIDR block: a prefix address and how many leading bits must match. */
export interface IPBlock {
  /** The prefix address. */
  address: IPAddress;
  /** Leading bits that must match (0..32 or 0..128). */
  prefixLength: number;
}

/**
 * Parses `address/bits` (no brackets), or returns null.
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
  if (prefixLength > address.length * 8) return null;
  return { address, prefixLength };
}

/**
 * Whether `ip` lies in `block`; IPv4 and IPv4-mapped IPv6 compare interchangeably (as Chromium's
 * `IPAddressMatchesPrefix`).
 *
 * @example
 * ```ts
 * ipInBlock(parseIP("10.1.2.3")!, parseCIDR("10.0.0.0/8")!); // true
 * ```
 */
export function ipInBlock(ip: IPAddress, block: IPBlock): boolean {
  let a = ip;
  let p = block.address;
  let bits = block.prefixLength;
  if (a.length !== p.length) {
    a = toIPv6(a);
    if (p.length === 4) bits += 96;
    p = toIPv6(p);
  }
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== p[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[i] & mask) === (p[i] & mask);
}

/**
 * Compares two addresses byte-wise (IPv4 before IPv6 when lengths differ).
 *
 * @example
 * ```ts
 * compareIP(parseIP("::1")!, parseIP("::2")!); // -1
 * ```
 */
export function compareIP(a: IPAddress, b: IPAddress): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
