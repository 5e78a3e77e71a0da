/**
 * The parts of a URL that taps look at (scheme, host, port, path, query), parsed once per hop:
 * a request's `urlParts`. A URL already in canonical form (as `URL.href` writes it, which is what
 * the pipeline keeps) with an http(s) or ws(s) scheme is split by hand, about ten times faster
 * than `URL`; anything else, or anything the split is unsure of, goes through `URL`.
 *
 * @module
 */

/** The parts of a URL, canonical as `URL` makes them. */
export interface UrlParts {
  /** The scheme without `:`, lower case (`https`). */
  readonly scheme: string;
  /** The host, lower case, IPv6 in brackets (`[::1]`); `""` when the URL has none. */
  readonly host: string;
  /** The explicit port, else the scheme's default (http/ws 80, https/wss 443, ftp 21), else -1. */
  readonly port: number;
  /** The path (`/` at least for http-like URLs; the opaque path of `data:` and the like). */
  readonly path: string;
  /** The query with its `?`, or `""`. */
  readonly query: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

// Bit 1: kept as is in a canonical host (a-z 0-9 . -); 2: in a path; 4: in a query.
const CHARS = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) CHARS[c] = 4;
for (const ch of "\"#<>'") CHARS[ch.charCodeAt(0)] = 0;
for (const ch of "abcdefghijklmnopqrstuvwxyz0123456789.-") CHARS[ch.charCodeAt(0)] = 7;
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZ_~!$&'()*+,;=:@/%") CHARS[ch.charCodeAt(0)] |= 2;

/**
 * Parses a URL; null when it is not a valid absolute URL.
 *
 * @example
 * ```ts
 * parseUrl("https://Example.com/a?b#c"); // { scheme: "https", host: "example.com", port: 443, path: "/a", query: "?b" }
 * parseUrl("http://[::1]:8080/")?.host; // "[::1]"
 * ```
 */
export function parseUrl(url: string): UrlParts | null {
  return split(url) ?? viaUrl(url);
}

/**
 * The default port of a scheme, or -1.
 *
 * @example
 * ```ts
 * defaultPort("wss"); // 443
 * ```
 */
export function defaultPort(scheme: string): number {
  return DEFAULT_PORTS[scheme] ?? -1;
}

function viaUrl(url: string): UrlParts | null {
  const u = URL.parse(url);
  if (u === null) return null;
  const scheme = u.protocol.slice(0, -1);
  const port = u.port === "" ? DEFAULT_PORTS[scheme] ?? -1 : Number(u.port);
  return { scheme, host: u.hostname, port, path: u.pathname, query: u.search };
}

/** Splits a canonical http(s)/ws(s) URL by hand; null when unsure (then `URL` decides). */
function split(s: string): UrlParts | null {
  let scheme: string;
  if (s.startsWith("https://")) scheme = "https";
  else if (s.startsWith("http://")) scheme = "http";
  else if (s.startsWith("wss://")) scheme = "wss";
  else if (s.startsWith("ws://")) scheme = "ws";
  else return null;
  const hostStart = scheme.length + 3;
  const len = s.length;
  let i = hostStart;
  let c = 0;
  let prev = 0x2e; // as if after a dot: no leading dot, no empty label
  let lastDot = i - 1;
  let hyphen = false;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c >= 128 || (CHARS[c] & 1) === 0) break;
    if (c === 0x2e) {
      if (prev === 0x2e) return null;
      lastDot = i;
    } else if (c === 0x2d) hyphen = true;
    prev = c;
  }
  // An empty host, a leading or trailing dot, a last label that is a number (IPv4, unless
  // canonical already), punycode: URL decides.
  if (prev === 0x2e || s.charCodeAt(hostStart) === 0x2d) return null;
  const host = s.slice(hostStart, i);
  const tail = s.charCodeAt(lastDot + 1);
  if (tail >= 0x30 && tail <= 0x39 && !DOTTED_QUAD.test(host)) return null;
  if (hyphen && host.includes("xn--")) return null;
  let port = DEFAULT_PORTS[scheme];
  if (c === 0x3a && i < len) {
    const portStart = ++i;
    port = 0;
    for (; i < len && (c = s.charCodeAt(i)) >= 0x30 && c <= 0x39; i++) port = port * 10 + c - 0x30;
    if (i === portStart || i - portStart > 5 || port > 65535) return null;
  }
  let path = "/";
  if (c === 0x2f && i < len) {
    const pathStart = i;
    let percent = false;
    for (; i < len && (c = s.charCodeAt(i)) !== 0x3f && c !== 0x23; i++) {
      if (c >= 128 || (CHARS[c] & 2) === 0) return null;
      if (c === 0x2e && s.charCodeAt(i - 1) === 0x2f) return null; // a dot segment, maybe
      if (c === 0x25) percent = true;
    }
    path = s.slice(pathStart, i);
    if (percent && /%2e/i.test(path)) return null;
  }
  let query = "";
  if (c === 0x3f && i < len) {
    const queryStart = i;
    for (; ++i < len && (c = s.charCodeAt(i)) !== 0x23;) {
      if (c >= 128 || (CHARS[c] & 4) === 0) return null;
    }
    if (i > queryStart + 1) query = s.slice(queryStart, i);
  }
  if (i < len && s.charCodeAt(i) !== 0x23) return null;
  return { scheme, host, port, path, query };
}
