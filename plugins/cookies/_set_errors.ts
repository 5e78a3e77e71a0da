/**
 * `cookies.set`'s refusals worded as Electron's (`InclusionStatusToString` in its cookies API):
 * `Failed to set cookie - ` and Chromium's sentence for the exclusion reason; our detail follows
 * in parentheses, where Electron puts Chromium's debug string.
 *
 * @module
 */

/** Chromium's sentences for the exclusion reasons `cookies.set` can meet. */
export const EXCLUSION = {
  invalidDomain: "The cookie was set with an invalid Domain attribute.",
  invalidPrefix: "The cookie was set with an invalid __Host- or __Secure- prefix.",
  invalidPartitioned: "Cookie was set with an invalid Partitioned attribute, which is only valid " +
    "if the cookie has a __Host- prefix.",
  secureOnly: "The cookie was Secure, but the URL was not allowed to access Secure cookies.",
  sameSiteNoneInsecure: "The cookie specified SameSite=None, but it was not Secure.",
  overwriteSecure:
    "The cookie would have overwritten a Secure cookie, and was not allowed to do so.",
  overwriteHttpOnly:
    "The cookie would have overwritten an HttpOnly cookie, and was not allowed to do so.",
  nonCookieableScheme: "Attempted to set a cookie from a scheme that does not support cookies.",
  disallowedCharacter: "The cookie contains ASCII control characters",
  noContent: "The cookie contains no content or only whitespace.",
  nameValueTooLong: "The cookie exceeded the name/value pair size limit.",
  attributeTooLong: "Cookie exceeded the attribute size limit.",
  failureToStore: "The cookie was malformed and could not be stored",
} as const;

/**
 * The TypeError `cookies.set` rejects with: Electron's words, then the detail.
 *
 * @example
 * ```ts
 * setCookieError(EXCLUSION.invalidDomain, "invalid URL asdf").message;
 * // "Failed to set cookie - The cookie was set with an invalid Domain attribute. (invalid URL asdf)"
 * ```
 */
export function setCookieError(sentence: string, detail: string): TypeError {
  return new TypeError(`Failed to set cookie - ${sentence} (${detail})`);
}

/**
 * Chromium's sentence for one of the jar's refusals (its reasons are our own words).
 *
 * @example
 * ```ts
 * jarRefusal("Secure cookie set from an insecure URL") === EXCLUSION.secureOnly; // true
 * ```
 */
export function jarRefusal(reason: string): string {
  if (reason.startsWith("Domain attribute")) return EXCLUSION.invalidDomain;
  if (reason.startsWith("Secure cookie")) return EXCLUSION.secureOnly;
  if (reason.startsWith("SameSite=None")) return EXCLUSION.sameSiteNoneInsecure;
  if (reason.startsWith("Partitioned")) return EXCLUSION.invalidPartitioned;
  if (/^(__|Nameless cookie)/.test(reason)) return EXCLUSION.invalidPrefix;
  if (reason.startsWith("Would overwrite an HttpOnly")) return EXCLUSION.overwriteHttpOnly;
  if (reason.startsWith("Would overwrite a Secure")) return EXCLUSION.overwriteSecure;
  if (reason.startsWith("URL scheme")) return EXCLUSION.nonCookieableScheme;
  return EXCLUSION.failureToStore;
}
