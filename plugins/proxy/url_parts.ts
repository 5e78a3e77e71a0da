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
