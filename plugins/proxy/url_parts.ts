/**
 * What proxy decisions look at in a URL: the kernel's parts of it (a request's `urlParts`, parsed
 * once per hop) and the host's address when the host is an IP literal.
 *
 * @module
 */
import { parseUrl, type UrlParts } from "../../kernel/http/url_parts.ts";
import { type IPAddress, parseIPv4, parseIPv6 } from "./ip.ts";

export type { UrlParts };

/** A URL as proxy rules see it. */
export interface ProxyTarget extends UrlParts {
  /** The host's address when the host is an IP literal, else null. */
  readonly ip: IPAddress | null;
}

/**
 * A URL (text, `URL` or already parsed) as proxy rules see it; null when it is not a valid URL.
 *
 * @example
 * ```ts
 * proxyTarget("https://[::1]/x")?.port; // 443
 * proxyTarget("http://127.0.0.1/")?.ip; // [127, 0, 0, 1]
 * ```
 */
export function proxyTarget(url: string | URL | UrlParts): ProxyTarget | null {
  const parts = typeof url === "string"
    ? parseUrl(url)
    : url instanceof URL
    ? parseUrl(url.href)
    : url;
  if (parts === null) return null;
  if ("ip" in parts) return parts as ProxyTarget;
  const { scheme, host, port, path, query } = parts;
  let ip: IPAddress | null = null;
  if (host.startsWith("[")) ip = parseIPv6(host.slice(1, -1));
  else if (host !== "") {
    const c = host.charCodeAt(host.length - 1);
    if (c >= 48 && c <= 57) ip = parseIPv4(host);
  }
  return { scheme, host, port, path, query, ip };
}
