/**
 * The `responseHeaders` and `excludedResponseHeaders` conditions of declarative rules (Chrome's
 * `HeaderInfo`): a header named, optionally with `values` (one must match) or `excludedValues`
 * (none may match); value patterns are case-insensitive, `*` any characters, `?` zero or one
 * character, `\` escaping either.
 *
 * @module
 */
import type { CompiledRule } from "./dnr_rule.ts";

/** One header condition of a rule. */
export interface HeaderCondition {
  /** The header name (any case). */
  header: string;
  /** Value patterns, one of which must match. */
  values?: string[];
  /** Value patterns none of which may match. */
  excludedValues?: string[];
}

const compiled = new Map<string, RegExp>();

/** A value pattern as a case-insensitive, whole-value regular expression. */
function patternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re) return re;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) source += escape(pattern[++i]);
    else if (c === "*") source += "[^]*";
    else if (c === "?") source += "[^]?";
    else source += escape(c);
  }
  re = new RegExp(`^${source}$`, "i");
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** The values a header has (each line of a repeated header). */
function valuesOf(headers: Headers, name: string): string[] | null {
  if (name.toLowerCase() === "set-cookie") {
    const lines = headers.getSetCookie();
    return lines.length > 0 ? lines : null;
  }
  const value = headers.get(name);
  return value === null ? null : value.split(/,\s*/);
}

/** Whether one condition holds for the headers. */
export function headerConditionHolds(condition: HeaderCondition, headers: Headers): boolean {
  const values = valuesOf(headers, condition.header);
  if (values === null) return false;
  const whole = headers.get(condition.header) ?? "";
  const any = (patterns: readonly string[]) =>
    patterns.some((p) => {
      const re = patternRegExp(p);
      return re.test(whole) || values.some((v) => re.test(v));
    });
  if (condition.values && !any(condition.values)) return false;
  if (condition.excludedValues && any(condition.excludedValues)) return false;
  return true;
}

/**
 * Whether a rule's response-header conditions hold: one of `responseHeaders` (when given) and
 * none of `excludedResponseHeaders`. Before the response (`headers` null) they never hold.
 *
 * @example
 * ```ts ignore
 * responseHeadersMatch(rule, new Headers({ "content-type": "text/html" }));
 * ```
 */
export function responseHeadersMatch(rule: CompiledRule, headers: Headers | null): boolean {
  if (headers === null) return false;
  if (rule.responseHeaders && !rule.responseHeaders.some((c) => headerConditionHolds(c, headers))) {
    return false;
  }
  if (rule.excludedResponseHeaders?.some((c) => headerConditionHolds(c, headers))) return false;
  return true;
}
