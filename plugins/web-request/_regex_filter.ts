/**
 * `regexFilter` support for declarative rules: compiling with RE2's limits, and the literal a
 * regex requires (to skip it cheaply for most URLs).
 *
 * @module
 */

/**
 * Compiles a `regexFilter`, refusing what RE2 (Chrome's engine) does not support: lookaround and
 * backreferences. Throws a TypeError saying what is wrong.
 *
 * @example
 * ```ts
 * compileRegexFilter("^https://a\\.test/", false).test("https://A.test/"); // true
 * ```
 */
export function compileRegexFilter(source: string, caseSensitive: boolean): RegExp {
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(source)) throw new TypeError("Must be ASCII");
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(source)) {
    throw new TypeError("Lookaround and backreferences are not supported (RE2)");
  }
  try {
    return new RegExp(source, caseSensitive ? "" : "i");
  } catch (e) {
    throw new TypeError(`Invalid regular expression: ${(e as Error).message}`);
  }
}

/**
 * The literal runs (of 3 characters or more) a regex requires at its top level, in order, used to
 * skip the regex cheaply; none when the top level has an alternation.
 *
 * @example
 * ```ts
 * requiredLiterals("^https?://ads\\.example/.*\\.gif$", false); // ["http", "://ads.example/", ".gif"]
 * ```
 */
export function requiredLiterals(source: string, caseSensitive: boolean): string[] {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "(") depth++;
    else if (source[i] === ")") depth--;
    else if (source[i] === "|" && depth === 0) return [];
  }
  const runs: string[] = [];
  let run = "";
  const cut = () => {
    runs.push(run);
    run = "";
  };
  depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      const next = source[++i] ?? "";
      if (/[A-Za-z0-9]/.test(next)) cut();
      else if (depth === 0) run += next;
    } else if (c === "[") {
      cut();
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
    } else if (c === "(") {
      cut();
      depth++;
    } else if (c === ")") {
      cut();
      depth--;
    } else if (c === "*" || c === "?" || c === "{") {
      run = run.slice(0, -1); // the quantified character is optional
      cut();
      if (c === "{") { while (i < source.length && source[i] !== "}") i++; }
    } else if (".+^$".includes(c)) cut();
    else if (depth === 0) run += c;
  }
  cut();
  return runs.filter((r) => r.length >= 3).map((r) => (caseSensitive ? r : r.toLowerCase()));
}
