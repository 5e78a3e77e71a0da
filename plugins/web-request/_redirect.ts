/**
 * Building the redirect URL of a `redirect` or `upgradeScheme` rule.
 *
 * @module
 */
import type { CompiledRule } from "./dnr_rule.ts";
import type { RegexFilter } from "./_regex_filter.ts";
import type { QueryTransform, URLTransform } from "./dnr_types.ts";

/** Replaces the first regex match in `url` with `substitution` (`\0`..`\9`, `\\`). */
function substitute(url: string, regex: RegexFilter, substitution: string): string | null {
  const m = regex.exec(url);
  if (!m) return null;
  let out = "";
  for (let i = 0; i < substitution.length; i++) {
    const c = substitution[i];
    if (c !== "\\" || i + 1 >= substitution.length) {
      out += c;
      continue;
    }
    const next = substitution[++i];
    if (next >= "0" && next <= "9") out += m[Number(next)] ?? "";
    else out += next;
  }
  return url.slice(0, m.index) + out + url.slice(m.index + m[0].length);
}

function formEscape(text: string): string {
  return encodeURIComponent(text).replaceAll("%20", "+");
}

function transformQuery(search: string, t: QueryTransform): string {
  let params = search.startsWith("?") ? search.slice(1).split("&").filter((p) => p !== "") : [];
  const key = (p: string) => decodeURIComponent(p.split("=")[0].replaceAll("+", " "));
  if (t.removeParams) {
    const drop = new Set(t.removeParams);
    params = params.filter((p) => !drop.has(key(p)));
  }
  for (const { key: k, value, replaceOnly } of t.addOrReplaceParams ?? []) {
    // escaped as Chrome writes them: a space as '+'
    const pair = `${formEscape(k)}=${formEscape(value)}`;
    const at = params.findIndex((p) => key(p) === k);
    if (at >= 0) params[at] = pair;
    else if (!replaceOnly) params.push(pair);
  }
  return params.length > 0 ? `?${params.join("&")}` : "";
}

function applyTransform(url: string, t: URLTransform): string | null {
  const u = new URL(url);
  if (t.scheme !== undefined) {
    // The URL setter refuses special <-> non-special changes; rebuild through the string.
    const rebuilt = URL.parse(`${t.scheme}:${u.href.slice(u.protocol.length)}`);
    if (!rebuilt) return null;
    u.href = rebuilt.href;
  }
  if (t.host !== undefined) u.hostname = t.host;
  if (t.port !== undefined) u.port = t.port;
  if (t.path !== undefined) u.pathname = t.path;
  if (t.query !== undefined) u.search = t.query;
  else if (t.queryTransform) u.search = transformQuery(u.search, t.queryTransform);
  if (t.fragment !== undefined) u.hash = t.fragment;
  if (t.username !== undefined) u.username = t.username;
  if (t.password !== undefined) u.password = t.password;
  return u.href;
}

/**
 * The URL a redirect or upgradeScheme rule sends the request to, or null when the rule yields
 * no valid URL different from the request's.
 *
 * @example
 * ```ts
 * // redirectTarget(upgradeRule, "http://a.example/") === "https://a.example/"
 * ```
 */
export function redirectTarget(rule: CompiledRule, url: string): string | null {
  let target: string | null = null;
  const action = rule.rule.action;
  if (action.type === "upgradeScheme") {
    // Chrome upgrades http and ftp to https; ws is left alone (the rule then does nothing).
    target = url.replace(/^(?:http|ftp):/, "https:");
  } else if (action.type === "redirect" && action.redirect) {
    const r = action.redirect;
    if (r.url !== undefined) target = r.url;
    else if (r.regexSubstitution !== undefined && rule.regex) {
      target = substitute(url, rule.regex, r.regexSubstitution);
    } else if (r.transform) target = applyTransform(url, r.transform);
  }
  if (target === null) return null;
  const parsed = URL.parse(target);
  if (!parsed || parsed.href === url) return null;
  return parsed.href;
}
