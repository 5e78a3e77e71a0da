/**
 * The `Accept-Language` header from a language list, as Chromium builds it: the first language
 * has no q-value, each next one gets 0.1 less (down to 0.1).
 *
 * @module
 */

/**
 * Builds the header from a comma-separated list (Electron's `acceptLanguages`). A list without a
 * language gives `""` (Chromium then sends no `Accept-Language`). Throws a TypeError for a tag
 * that is not a language tag.
 *
 * @example
 * ```ts
 * acceptLanguageHeader("en-US,fr,de"); // "en-US,fr;q=0.9,de;q=0.8"
 * acceptLanguageHeader(""); // ""
 * ```
 */
export function acceptLanguageHeader(languages: string): string {
  const tags = languages.split(",").map((tag) => tag.trim()).filter((tag) => tag !== "");
  let q10 = 10;
  return tags.map((tag, i) => {
    if (!/^(\*|[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)$/.test(tag)) {
      throw new TypeError(`setUserAgent: acceptLanguages: "${tag}" is not a language tag`);
    }
    if (i === 0) return tag;
    q10 = Math.max(1, q10 - 1);
    return `${tag};q=${q10 === 10 ? "1" : `0.${q10}`}`;
  }).join(",");
}
