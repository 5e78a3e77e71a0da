/**
 * `regexFilter` support for declarative rules: compiling with RE2 (as Chrome does, through
 * `re2js`, the JavaScript port of RE2: linear-time matching on Deno, Bun and in browsers), and the
 * literal runs a regex requires (to skip it cheaply for most URLs).
 *
 * @module
 */

import { RE2JS } from "re2js";

/**
 * A compiled `regexFilter`: the part of `RegExp`'s surface the rules use, matched by RE2 in time
 * linear in the URL's length, whatever the pattern (no catastrophic backtracking).
 */
export interface RegexFilter {
  /** The pattern as given. */
  readonly source: string;
  /** True unless the rule is `isUrlFilterCaseSensitive`. */
  readonly ignoreCase: boolean;
  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean;
  /** The first match with its groups and `index`, or null (as `RegExp.prototype.exec`). */
  exec(text: string): RegExpExecArray | null;
}

/**
 * Why RE2 cannot use a pattern, as `isRegexSupported` names it.
 */
export type UnsupportedRegexReason = "syntaxError" | "memoryLimitExceeded";

/** Thrown by {@link compileRegexFilter}: a TypeError that also carries Chrome's reason. */
export class RegexFilterError extends TypeError {
  /** `syntaxError` or `memoryLimitExceeded`. */
  readonly reason: UnsupportedRegexReason;
  /** Makes the error. */
  constructor(message: string, reason: UnsupportedRegexReason) {
    super(message);
    this.name = "TypeError";
    this.reason = reason;
  }
}

/**
 * The largest compiled program accepted, in RE2 instructions. Chrome gives each regex a 2 KiB
 * memory budget; re2js has no such budget, so the instruction count of the compiled program
 * bounds the same thing: the matching state per URL character.
 */
export const MAX_REGEX_PROGRAM = 2000;

/**
 * Compiles a `regexFilter` with RE2, refusing what RE2 refuses (lookaround, backreferences,
 * repeat counts over 1000, bad syntax) and non-ASCII patterns; RE2's own syntax comes with it
 * (POSIX classes like `[[:alpha:]]`, `\Q...\E`, `(?i)`, `(?P<name>...)`). Throws a
 * {@link RegexFilterError} (a TypeError) saying what is wrong.
 *
 * @example
 * ```ts
 * compileRegexFilter("^https://a\\.test/", false).test("https://A.test/"); // true
 * ```
 */
export function compileRegexFilter(source: string, caseSensitive: boolean): RegexFilter {
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(source)) throw new RegexFilterError("Must be ASCII", "syntaxError");
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    const message = (e as Error).message.replace(/^error parsing regexp: /, "");
    const hint = /\(\?[=!<]|\\[1-9k]/.test(source) ? " (lookaround and backreferences)" : "";
    throw new RegexFilterError(`Not supported by RE2${hint}: ${message}`, "syntaxError");
  }
  const size = programSize(re);
  if (size > MAX_REGEX_PROGRAM) {
    throw new RegexFilterError(
      `Exceeds RE2's memory limit (${size} instructions, at most ${MAX_REGEX_PROGRAM})`,
      "memoryLimitExceeded",
    );
  }
  return {
    source,
    ignoreCase: !caseSensitive,
    test: (text) => re.test(text),
    exec: (text) => re.exec(text) as RegExpExecArray | null,
  };
}

/**
 * Chrome's `isRegexSupported` answer for a regex: whether a rule could use it, and if not, why.
 *
 * @example
 * ```ts
 * regexSupport("(?<=a)b", true); // { isSupported: false, reason: "syntaxError" }
 * ```
 */
export function regexSupport(
  regex: string,
  caseSensitive: boolean,
): { isSupported: boolean; reason?: UnsupportedRegexReason } {
  try {
    compileRegexFilter(regex, caseSensitive);
    return { isSupported: true };
  } catch (e) {
    return { isSupported: false, reason: (e as RegexFilterError).reason ?? "syntaxError" };
  }
}

function programSize(re: RE2JS): number {
  const prog = (re.re2() as unknown as { prog?: { inst?: unknown[] } }).prog;
  return prog?.inst?.length ?? 0;
}

/** Escapes whose meaning a literal scan cannot follow (hex, quoting, classes, octal). */
const OPAQUE = /\\[xQEpP0-9]|\(\?|\[:/;

/**
 * The literal runs (of 3 characters or more) a regex requires at its top level, in order, used to
 * skip the regex cheaply; none when the top level has an alternation, or the pattern uses RE2
 * syntax the scan does not follow (flags, `\Q`, POSIX classes, `\x`, `\p`).
 *
 * @example
 * ```ts
 * requiredLiterals("^https?://ads\\.example/.*\\.gif$", false); // ["http", "://ads.example/", ".gif"]
 * ```
 */
export function requiredLiterals(source: string, caseSensitive: boolean): string[] {
  if (OPAQUE.test(source)) return [];
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
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++; // "[]a]", "[^]a]": that first "]" is a member
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
