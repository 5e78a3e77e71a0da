/**
 * URL patterns as Playwright's `recordHar.urlFilter` and `routeFromHAR`'s `url` take them: a glob
 * (`**` any characters, `*` any characters but `/`, `{a,b}` either) or a RegExp.
 *
 * @module
 */

/** A glob string or a RegExp. */
export type UrlPattern = string | RegExp;

/**
 * A test for URLs from a pattern (undefined: every URL).
 *
 * @example
 * ```ts
 * const matches = urlMatcher("**\/api/*");
 * matches("https://a.test/api/users"); // true
 * matches("https://a.test/api/users/1"); // false
 * ```
 */
export function urlMatcher(
  pattern: UrlPattern | undefined,
  option = "urlFilter",
): (url: string) => boolean {
  if (pattern === undefined) return () => true;
  if (pattern instanceof RegExp) return (url) => pattern.test(url);
  if (typeof pattern !== "string") {
    throw new TypeError(`${option} must be a glob string or a RegExp`);
  }
  const re = new RegExp(`^${globSource(pattern)}$`);
  return (url) => re.test(url);
}

function globSource(glob: string): string {
  let out = "";
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
    } else if (c === "{") {
      inGroup = true;
      out += "(";
    } else if (c === "}" && inGroup) {
      inGroup = false;
      out += ")";
    } else if (c === "," && inGroup) out += "|";
    else out += c.replace(/[.+?^$()|[\]\\/]/g, "\\$&");
  }
  return out;
}
