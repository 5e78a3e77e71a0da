/**
 * The `domain` and `path` of `cookies.set()` checked and canonicalised as Electron's `Cookies::Set`
 * has Chromium's `CreateSanitizedCookie` do it: a refusal is a TypeError in Electron's words, a
 * path is stored percent-encoded as URLs spell it.
 *
 * @module
 */
import { encodeCookiePath } from "./cookie_url.ts";
import { MAX_ATTRIBUTE_VALUE_BYTES, utf8Length } from "./parse_set_cookie.ts";
import { EXCLUSION, setCookieError } from "./_set_errors.ts";

// deno-lint-ignore no-control-regex
const CTL_OR_SEMI = /[\x00-\x1f\x7f;]/;
// What ends a cookie's value for Chromium: NUL, CR, LF and ';'.
// deno-lint-ignore no-control-regex
const VALUE_END = /[\x00\r\n;]/;

/**
 * The domain attribute of `cookies.set()` without its leading dot, in lower case; throws
 * Electron's TypeError for control characters, ';' or outer spaces (an invalid Domain
 * attribute) and for more than 1024 bytes (the attribute size limit).
 *
 * @example
 * ```ts
 * checkSetDomain(".Example.org"); // "example.org"
 * ```
 */
export function checkSetDomain(domain: string): string {
  if (CTL_OR_SEMI.test(domain) || domain.trim() !== domain) {
    throw setCookieError(
      EXCLUSION.invalidDomain,
      `cookies.set: domain has control characters, ';' or outer spaces: ${domain.slice(0, 100)}`,
    );
  }
  if (utf8Length(domain) > MAX_ATTRIBUTE_VALUE_BYTES) {
    throw setCookieError(
      EXCLUSION.attributeTooLong,
      `cookies.set: domain is longer than ${MAX_ATTRIBUTE_VALUE_BYTES} bytes`,
    );
  }
  return (domain.startsWith(".") ? domain.slice(1) : domain).toLowerCase();
}

/**
 * The path of `cookies.set()` percent-encoded as a URL's path (`/my docs` is `/my%20docs`, the
 * path requests to it have); throws Electron's TypeError for NUL, CR, LF, ';' or outer spaces, for
 * a path that does not start with `/` (a malformed cookie) and for one longer than 1024 bytes once
 * encoded (the attribute size limit).
 *
 * @example
 * ```ts
 * checkSetPath("/my docs"); // "/my%20docs"
 * ```
 */
export function checkSetPath(path: string): string {
  if (VALUE_END.test(path) || path.trim() !== path) {
    throw setCookieError(
      EXCLUSION.disallowedCharacter,
      "cookies.set: path must not contain NUL, CR, LF, ';' or outer spaces",
    );
  }
  if (!path.startsWith("/")) {
    throw setCookieError(
      EXCLUSION.failureToStore,
      `cookies.set: path must start with / (got ${path.slice(0, 100)})`,
    );
  }
  const encoded = encodeCookiePath(path);
  if (encoded.length > MAX_ATTRIBUTE_VALUE_BYTES) {
    throw setCookieError(
      EXCLUSION.attributeTooLong,
      `cookies.set: path is longer than ${MAX_ATTRIBUTE_VALUE_BYTES} bytes once percent-encoded`,
    );
  }
  return encoded;
}
