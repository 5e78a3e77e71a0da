/**
 * The parts of a URL that cookies look at (scheme, host, path), from the kernel's parse of it (a
 * request's `urlParts`, parsed once per hop).
 *
 * @module
 */
import { parseUrl, type UrlParts } from "../../kernel/http/url_parts.ts";
import { isSecureScheme, isStandardScheme } from "../../kernel/http/privileged_schemes.ts";
import { isTrustworthyHost } from "./domain_match.ts";

/** What cookie matching needs from a URL. */
export interface CookieUrl {
  /** `http`, `https`, `ws`, `wss` or a custom scheme registered as standard. */
  scheme: string;
  /** The canonical host (IPv6 in brackets as URLs spell it). */
  host: string;
  /** The canonical path, `/` at least. */
  path: string;
  /**
   * Whether the URL counts as secure: https/wss, a scheme registered as secure, or a trustworthy
   * host such as localhost.
   */
  secure: boolean;
}

/**
 * Whether a scheme can carry cookies: http, https, ws, wss, and the custom schemes registered as
 * standard (`protocol.registerSchemesAsPrivileged`), as in Electron.
 *
 * @example
 * ```ts
 * isCookieableScheme("https"); // true
 * isCookieableScheme("ftp"); // false
 * ```
 */
export function isCookieableScheme(scheme: string): boolean {
  return scheme === "https" || scheme === "http" || scheme === "wss" || scheme === "ws" ||
    isStandardScheme(scheme);
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
  const text = typeof input === "string" ? input : input.href;
  const parts = parseUrl(text);
  if (parts === null) throw new TypeError(`Invalid URL: ${text.slice(0, 200)}`);
  return cookieUrl(parts);
}

/**
 * What cookies look at in an already parsed URL (a request's `urlParts`).
 *
 * @example
 * ```ts
 * import { parseUrl } from "../../kernel/http/url_parts.ts";
 * cookieUrl(parseUrl("http://localhost:8080/f%6Fo")!); // { scheme: "http", host: "localhost", path: "/f%6Fo", secure: true }
 * ```
 */
export function cookieUrl(parts: UrlParts): CookieUrl {
  const { scheme, host } = parts;
  const path = parts.path || "/";
  const secure = scheme === "https" || scheme === "wss" || isTrustworthyHost(host) ||
    isSecureScheme(scheme);
  // The path as the URL spells it: Chromium 156 no longer decodes percent-escapes of unreserved
  // characters (`/f%6Fo` stays), so default paths and path matching see the escapes.
  return { scheme, host, path, secure };
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

/**
 * A path percent-encoded as a URL's path (`/my docs` is `/my%20docs`, `/a/../b` is `/b`), as
 * Chromium canonicalises the path given to its cookie API; `?`, `#` and tabs are part of the path.
 *
 * @example
 * ```ts
 * encodeCookiePath("/my docs"); // "/my%20docs"
 * ```
 */
export function encodeCookiePath(path: string): string {
  const escaped = path.replace(/[?#\t]/g, (c) => c === "?" ? "%3F" : c === "#" ? "%23" : "%09");
  return new URL(`http://h${escaped}`).pathname;
}
