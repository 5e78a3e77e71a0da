/**
 * The parts of a URL that cookies look at (scheme, host, path), read without a full URL parse when
 * the URL is already in canonical form, and through `URL` otherwise.
 *
 * @module
 */
import { isTrustworthyHost } from "./domain_match.ts";

/** What cookie matching needs from a URL. */
export interface CookieUrl {
  /** `http`, `https`, `ws` or `wss` (other schemes are not cookieable). */
  scheme: string;
  /** The canonical host (IPv6 in brackets as URLs spell it). */
  host: string;
  /** The canonical path, `/` at least. */
  path: string;
  /** Whether the URL counts as secure: https/wss, or a trustworthy host such as localhost. */
  secure: boolean;
}

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

// 1: allowed in a canonical host (a-z 0-9 . -); 2: allowed as is in a canonical path.
const CHARS = new Uint8Array(128);
for (let c = 0x61; c <= 0x7a; c++) CHARS[c] = 3;
for (let c = 0x30; c <= 0x39; c++) CHARS[c] = 3;
CHARS[0x2e] = 3;
CHARS[0x2d] = 3;
for (let c = 0x41; c <= 0x5a; c++) CHARS[c] = 2;
for (const ch of "_~!$&'()*+,;=:@/%") CHARS[ch.charCodeAt(0)] = 2;

/** Reads an already canonical http(s)/ws(s) URL without `URL`; null when unsure. */
function fastParse(s: string): CookieUrl | null {
  let i: number;
  let scheme: string;
  const c4 = s.charCodeAt(4);
  if (s.charCodeAt(0) === 0x68 && s.startsWith("http")) {
    if (c4 === 0x73 && s.startsWith("://", 5)) {
      i = 8;
      scheme = "https";
    } else if (c4 === 0x3a && s.startsWith("//", 5)) {
      i = 7;
      scheme = "http";
    } else return null;
  } else if (s.startsWith("wss://")) {
    i = 6;
    scheme = "wss";
  } else if (s.startsWith("ws://")) {
    i = 5;
    scheme = "ws";
  } else return null;
  const len = s.length;
  const hostStart = i;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CHARS[c] & 1) === 0) break;
    i++;
  }
  if (i === hostStart) return null;
  const host = s.slice(hostStart, i);
  const first = host.charCodeAt(0);
  if (first === 0x2e || first === 0x2d || host.charCodeAt(host.length - 1) === 0x2e) return null;
  const tail = host.charCodeAt(host.lastIndexOf(".") + 1);
  if (tail >= 0x30 && tail <= 0x39 && !DOTTED_QUAD.test(host)) return null;
  if (i < len && s.charCodeAt(i) === 0x3a) {
    const portStart = ++i;
    while (i < len) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      i++;
    }
    if (i === portStart || i - portStart > 5 || Number(s.slice(portStart, i)) > 65535) return null;
  }
  let path = "/";
  if (i < len) {
    let c = s.charCodeAt(i);
    if (c === 0x2f) {
      const pathStart = i;
      let percent = false;
      while (i < len) {
        c = s.charCodeAt(i);
        if (c === 0x3f || c === 0x23) break;
        if (c >= 128 || CHARS[c] === 0) return null;
        if (c === 0x25) percent = true;
        else if (c === 0x2e && s.charCodeAt(i - 1) === 0x2f) return null; // a dot segment
        i++;
      }
      path = s.slice(pathStart, i);
      if (percent) {
        if (/\/%2e/i.test(path)) return null;
        path = unescapeUnreserved(path);
      }
    } else if (c !== 0x3f && c !== 0x23) return null;
  }
  const secure = scheme === "https" || scheme === "wss" || isTrustworthyHost(host);
  return { scheme, host, path, secure };
}

/**
 * Whether a scheme can carry cookies (http, https, ws, wss).
 *
 * @example
 * ```ts
 * isCookieableScheme("https"); // true
 * isCookieableScheme("ftp"); // false
 * ```
 */
export function isCookieableScheme(scheme: string): boolean {
  return scheme === "https" || scheme === "http" || scheme === "wss" || scheme === "ws";
}

/**
 * Reads scheme, host and path of a URL; throws a TypeError for a string that is not a URL.
 *
 * @example
 * ```ts
 * parseCookieUrl("https://Example.org/a/b?x").path; // "/a/b"
 * ```
 */
export function parseCookieUrl(input: string | URL): CookieUrl {
  if (typeof input === "string") {
    const fast = fastParse(input);
    if (fast !== null) return fast;
  }
  let url: URL;
  try {
    url = typeof input === "string" ? new URL(input) : input;
  } catch {
    throw new TypeError(`Invalid URL: ${String(input).slice(0, 200)}`);
  }
  const scheme = url.protocol.slice(0, -1);
  const host = url.hostname;
  const secure = scheme === "https" || scheme === "wss" || isTrustworthyHost(host);
  const path = url.pathname || "/";
  return { scheme, host, path: path.includes("%") ? unescapeUnreserved(path) : path, secure };
}

/**
 * Decodes percent-escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`) in a path, as
 * Chromium's URL canonicaliser does (`/f%6Fo` is `/foo`); other escapes stay.
 *
 * @example
 * ```ts
 * unescapeUnreserved("/f%6Fo%2F"); // "/foo%2F"
 * ```
 */
export function unescapeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (all, hex: string) => {
    const c = parseInt(hex, 16);
    const unreserved = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
    return unreserved ? String.fromCharCode(c) : all;
  });
}

/**
 * The default path of a request path (RFC 6265bis §5.1.4): up to, not including, the last `/`.
 *
 * @example
 * ```ts
 * defaultPath("/a/b/c"); // "/a/b"
 * defaultPath("/a"); // "/"
 * ```
 */
export function defaultPath(path: string): string {
  if (path.length === 0 || path.charCodeAt(0) !== 0x2f) return "/";
  const last = path.lastIndexOf("/");
  return last === 0 ? "/" : path.slice(0, last);
}

/**
 * Path matching (RFC 6265bis §5.1.4).
 *
 * @example
 * ```ts
 * pathMatch("/docs/a", "/docs"); // true
 * pathMatch("/docsx", "/docs"); // false
 * ```
 */
export function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  const cl = cookiePath.length;
  if (requestPath.length <= cl || !requestPath.startsWith(cookiePath)) return false;
  return cookiePath.charCodeAt(cl - 1) === 0x2f || requestPath.charCodeAt(cl) === 0x2f;
}
