/**
 * The parts of a URL that proxy decisions look at (scheme, canonical host, effective port),
 * parsed once per request.
 *
 * @module
 */

import { type IPAddress, parseIPv4, parseIPv6 } from "./ip.ts";

/** What proxy rules look at in a URL. */
export interface UrlParts {
  /** The scheme without `:`, lower case (`http`, `wss`). */
  readonly scheme: string;
  /** The canonical host as in a URL (IPv6 in brackets). */
  readonly host: string;
  /** The explicit port, or the scheme's default (http/ws 80, https/wss 443, ftp 21), or -1. */
  readonly port: number;
  /** The host's address when the host is an IP literal, else null. */
  readonly ip: IPAddress | null;
}

const DEFAULT_PORT: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443, ftp: 21 };

/**
 * Parses a URL (string or URL) into {@link UrlParts}; null when it is not a valid URL.
 *
 * @example
 * ```ts
 * urlParts("https://[::1]/x")?.port; // 443
 * ```
 */
export function urlParts(url: string | URL): UrlParts | null {
  let u: URL;
  try {
    u = typeof url === "string" ? new URL(url) : url;
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  const host = u.hostname;
  const port = u.port !== "" ? Number(u.port) : (DEFAULT_PORT[scheme] ?? -1);
  let ip: IPAddress | null = null;
  if (host.startsWith("[")) ip = parseIPv6(host.slice(1, -1));
  else if (host !== "") {
    const c = host.charCodeAt(host.length - 1);
    if (c >= 48 && c <= 57) ip = parseIPv4(host);
  }
  return { scheme, host, port, ip };
}

const SIMPLE_SCHEMES: Record<string, true> = { http: true, https: true, ws: true, wss: true };

/**
 * The same as {@link urlParts} without the URL parser, for URLs whose scheme and authority are
 * already canonical (`http`/`https`/`ws`/`wss`, a lower-case DNS name, an optional port, no
 * credentials or escapes). Returns undefined when the URL is not of that simple shape (then use
 * {@link urlParts}).
 *
 * @example
 * ```ts
 * simpleUrlParts("http://example.com:8080/x")?.port; // 8080
 * simpleUrlParts("http://EXAMPLE.com/"); // undefined
 * ```
 */
export function simpleUrlParts(url: string): UrlParts | undefined {
  const sep = url.indexOf("://");
  if (sep < 2 || sep > 5) return undefined;
  const scheme = url.slice(0, sep);
  if (SIMPLE_SCHEMES[scheme] !== true) return undefined;
  const start = sep + 3;
  let i = start;
  let colon = -1;
  let lastDot = start - 1;
  let prev = 46; // treat the start as after a dot: no leading dot, no empty label
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    if (colon >= 0) {
      if (c < 48 || c > 57) return undefined;
      continue;
    }
    if (c === 58) {
      colon = i;
      continue;
    }
    if (c === 46) {
      if (prev === 46) return undefined;
      lastDot = i;
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) return undefined;
    prev = c;
  }
  const hostEnd = colon >= 0 ? colon : i;
  if (hostEnd === start || prev === 46 && colon < 0 && i === lastDot + 1) return undefined;
  // A last label that is numeric (or hex) makes the host an IPv4 address: leave it to URL.
  const c0 = url.charCodeAt(lastDot + 1);
  if (c0 >= 48 && c0 <= 57) return undefined;
  if (url.charCodeAt(hostEnd - 1) === 46) return undefined; // trailing dot: let URL decide
  let port = DEFAULT_PORT[scheme];
  if (colon >= 0) {
    const digits = url.slice(colon + 1, i);
    if (digits.length === 0) {
      // "host:" is the default port in URL's eyes.
    } else {
      if (digits.length > 5) return undefined;
      port = Number(digits);
      if (port > 65535) return undefined;
    }
  }
  return { scheme, host: url.slice(start, hostEnd), port, ip: null };
}
