/**
 * The argument checks the Cookies members share (a URL, an optional value of a type), so a
 * library session and a Chromium-backed session refuse the same bad arguments with the same
 * TypeError.
 *
 * @module
 */
import { type CookieUrl, parseCookieUrl } from "./cookie_url.ts";

/**
 * The parts of a URL argument; a TypeError when it is not a URL. A URL whose scheme has no
 * cookies passes: `get` finds and `remove` removes nothing there, as Chromium answers.
 *
 * @example
 * ```ts
 * checkUrl("cookies.get", "https://example.org/a").host; // "example.org"
 * ```
 */
export function checkUrl(where: string, url: unknown): CookieUrl {
  if (typeof url !== "string") throw new TypeError(`${where}: url must be a string`);
  try {
    return parseCookieUrl(url);
  } catch {
    throw new TypeError(`${where}: invalid URL ${url}`);
  }
}

/**
 * Throws a TypeError naming `name` when `value` is given and not of `type`.
 *
 * @example
 * ```ts
 * optional("cookies.get", "a", "string", "name"); // passes
 * ```
 */
export function optional(where: string, value: unknown, type: string, name: string): void {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`${where}: ${name} must be a ${type}`);
  }
}
