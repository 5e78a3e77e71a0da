/**
 * Validation and compilation of one declarative rule: the shape (Chrome's schema, the extensions
 * plugin's `_dnr_rule_schema.ts`, which an extension's Worker runs at the call too) and Chrome's
 * semantic checks, each failure a TypeError naming the rule's id and the
 * field at fault.
 *
 * @module
 */
import { dnrErrors } from "./_dnr_errors.ts";
import { SchemaRefusal } from "../extensions/_chrome_schema.ts";
import { parseDnrRule } from "../extensions/_dnr_rule_schema.ts";
import {
  DNR_ENUM_VALUES,
  REQUEST_METHODS,
  RESOURCE_TYPES,
  type Rule,
  type RuleActionType,
} from "./dnr_types.ts";
import { parseUrlFilter, type UrlFilter } from "./url_filter.ts";
import { compileRegexFilter, type RegexFilter, requiredLiterals } from "./_regex_filter.ts";
import type { HeaderCondition } from "./_response_headers.ts";

/**
 * Action ranks for ordering at equal priority: allow > allowAllRequests > block > ...
 *
 * @example
 * ```ts
 * ACTION_RANK.allow > ACTION_RANK.block; // true
 * ```
 */
export const ACTION_RANK: Readonly<Record<RuleActionType, number>> = {
  allow: 5,
  allowAllRequests: 4,
  block: 3,
  upgradeScheme: 2,
  redirect: 1,
  modifyHeaders: 0,
};

/**
 * Ruleset names in precedence order (session rules win ties over dynamic ones).
 *
 * @example
 * ```ts
 * RULESETS[0]; // "_session"
 * ```
 */
export const RULESETS: readonly string[] = ["_session", "_dynamic"];

/**
 * Bit of each resource type in {@linkcode CompiledRule.types}.
 *
 * @example
 * ```ts
 * TYPE_BIT.main_frame; // 1
 * ```
 */
export const TYPE_BIT: Readonly<Record<string, number>> = Object.fromEntries(
  RESOURCE_TYPES.map((t, i) => [t, 1 << i]),
);
/**
 * Bit of each method in {@linkcode CompiledRule.methods}.
 *
 * @example
 * ```ts
 * METHOD_BIT.connect; // 1
 * ```
 */
export const METHOD_BIT: Readonly<Record<string, number>> = Object.fromEntries(
  REQUEST_METHODS.map((m, i) => [m, 1 << i]),
);
const ALL_TYPES = (1 << RESOURCE_TYPES.length) - 1;
/**
 * The method bit of a WebSocket request, which has no method for `requestMethods`: only rules
 * without that list match it.
 *
 * @example
 * ```ts
 * NO_METHOD_BIT > METHOD_BIT.get; // true
 * ```
 */
export const NO_METHOD_BIT: number = 1 << REQUEST_METHODS.length;
const ALL_METHODS = (1 << REQUEST_METHODS.length) - 1;
let sequence = 0;

/** Request headers Chrome lets a rule `append` to. */
const APPENDABLE = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "access-control-request-headers",
  "cache-control",
  "connection",
  "content-language",
  "cookie",
  "forwarded",
  "if-match",
  "if-none-match",
  "keep-alive",
  "range",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "via",
  "want-digest",
  "x-forwarded-for",
]);

/** A validated rule, ready to match. */
export interface CompiledRule {
  /** The rule as given (validated, deep-frozen copy). */
  readonly rule: Rule;
  /** The rule's id. */
  readonly id: number;
  /** Its priority (default 1). */
  readonly priority: number;
  /** {@linkcode ACTION_RANK} of its action. */
  readonly rank: number;
  /** Index into {@linkcode RULESETS}. */
  readonly ruleset: number;
  /** The parsed `urlFilter`, if any. */
  readonly filter: UrlFilter | null;
  /** The compiled `regexFilter`, if any. */
  readonly regex: RegexFilter | null;
  /** Literals every URL the regex matches contains (lower case unless case sensitive). */
  readonly regexLiterals: readonly string[];
  /** Resource types it applies to, as bits. */
  readonly types: number;
  /** Methods it applies to, as bits. */
  readonly methods: number;
  /** `requestDomains`, lower case. */
  readonly requestDomains: readonly string[] | null;
  /** `excludedRequestDomains`, lower case. */
  readonly excludedRequestDomains: readonly string[] | null;
  /** `initiatorDomains`, lower case. */
  readonly initiatorDomains: readonly string[] | null;
  /** `excludedInitiatorDomains`, lower case. */
  readonly excludedInitiatorDomains: readonly string[] | null;
  /** `domainType`. */
  readonly domainType: "firstParty" | "thirdParty" | null;
  /** `tabIds`. */
  readonly tabIds: ReadonlySet<number> | null;
  /** `excludedTabIds`. */
  readonly excludedTabIds: ReadonlySet<number> | null;
  /** `topDomains`, lower case. */
  readonly topDomains: readonly string[] | null;
  /** `excludedTopDomains`, lower case. */
  readonly excludedTopDomains: readonly string[] | null;
  /** `responseHeaders` conditions. */
  readonly responseHeaders: readonly HeaderCondition[] | null;
  /** `excludedResponseHeaders` conditions. */
  readonly excludedResponseHeaders: readonly HeaderCondition[] | null;
  /** The order rules were compiled in: of two equal rules Chrome keeps the one added first. */
  readonly seq: number;
  /**
   * How Chromium 156 breaks a full tie before insertion order: 2 for a regexFilter rule, 1 for a
   * urlFilter without five literal characters in a row (or no URL condition), 0 otherwise.
   */
  readonly tieClass: number;
  /** Scratch: the last match pass that looked at this rule (for de-duplication). */
  stamp: number;
}

function fail(id: unknown, field: string, message: string): never {
  const who = typeof id === "number" ? `Rule with id ${id}` : "Rule without a valid id";
  throw new TypeError(`${who}: ${field}: ${message}`);
}

function typeBits(list: readonly string[] | undefined, bits: Record<string, number>): number {
  let n = 0;
  for (const t of list ?? []) n |= bits[t];
  return n;
}

function domains(id: number, field: string, list: string[] | undefined): string[] | null {
  if (list === undefined) return null;
  const key = field.replace(/^condition\./, "");
  // Chrome takes an empty excluded list (it excludes nothing) and refuses an empty included one.
  if (list.length === 0) {
    if (key.startsWith("excluded")) return null;
    throw dnrErrors.emptyList(id, key);
  }
  return list.map((d, i) => {
    // deno-lint-ignore no-control-regex
    if (/[^\x00-\x7f]/.test(d)) throw dnrErrors.nonAscii(id, key, `${field}[${i}]: ${d}`);
    return d.toLowerCase();
  });
}

function checkHeaders(id: number, field: string, list: Rule["action"]["requestHeaders"]): void {
  if (list === undefined) return;
  if (list.length === 0) throw dnrErrors.emptyList(id, field);
  list.forEach((h, i) => {
    const at = `${field}[${i}]`;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.header)) {
      throw dnrErrors.invalidModifyHeaderName(id, `${at}.header`);
    }
    if (h.operation === "remove" && h.value !== undefined) {
      throw dnrErrors.headerValuePresent(id, `${at}.value`);
    }
    if (h.operation !== "remove" && h.value === undefined) {
      throw dnrErrors.noHeaderValue(id, `${at}.value`);
    }
    // A header value may not hold CR, LF or NUL (Fetch's header value): applying one would throw
    // and drop every other header change of the request.
    if (h.value !== undefined && /[\r\n\0]/.test(h.value)) {
      throw dnrErrors.invalidModifyHeaderValue(
        id,
        `${at}.value`,
        "must not contain CR, LF or NUL",
      );
    }
    if (
      field === "action.requestHeaders" && h.operation === "append" &&
      !APPENDABLE.has(h.header.toLowerCase())
    ) throw dnrErrors.appendInvalidRequestHeader(id, `${at}.header`);
  });
}

function checkRedirect(id: number, rule: Rule, hasRegex: boolean): void {
  const r = rule.action.redirect;
  if (!r) throw dnrErrors.invalidKey(id, "action.redirect", "a redirect rule needs it");
  if ("extensionPath" in r) {
    throw dnrErrors.invalidKey(
      id,
      "action.redirect.extensionPath",
      typeof r.extensionPath === "string" && r.extensionPath.startsWith("/")
        ? "websession has no extension pages to redirect to"
        : "must start with /",
    );
  }
  // As Chrome: at least one of them; when several are given, url is used first (then
  // regexSubstitution, then transform), the others are ignored.
  const given = (["url", "transform", "regexSubstitution"] as const).filter((k) =>
    r[k] !== undefined
  );
  if (given.length === 0) {
    throw dnrErrors.invalidKey(
      id,
      "action.redirect",
      "needs one of url, transform, regexSubstitution",
    );
  }
  if (r.url !== undefined && !URL.canParse(r.url)) throw dnrErrors.invalidRedirectUrl(id);
  if (r.url !== undefined && /^\s*javascript:/i.test(r.url)) {
    throw dnrErrors.javascriptRedirect(id);
  }
  if (r.regexSubstitution !== undefined && !hasRegex) {
    throw dnrErrors.regexSubstitutionWithoutFilter(id);
  }
  if (r.regexSubstitution === "") {
    throw dnrErrors.invalidKey(id, "action.redirect.regexSubstitution", "must not be empty");
  }
  if (r.regexSubstitution !== undefined && rule.condition.regexFilter !== undefined) {
    const groups = captureGroups(rule.condition.regexFilter);
    for (const m of r.regexSubstitution.matchAll(/\\(\\|[0-9])/g)) {
      if (m[1] !== "\\" && Number(m[1]) > groups) {
        throw dnrErrors.invalidKey(
          id,
          "action.redirect.regexSubstitution",
          `\\${m[1]} refers to a group the regexFilter does not have (${groups})`,
        );
      }
    }
  }
  const t = r.transform;
  if (!t) return;
  const at = "action.redirect.transform";
  if (t.scheme !== undefined && !["http", "https", "ftp", "chrome-extension"].includes(t.scheme)) {
    throw dnrErrors.invalidTransformScheme(id);
  }
  if (t.port !== undefined && t.port !== "" && !(/^\d+$/.test(t.port) && +t.port < 65536)) {
    throw dnrErrors.invalidKey(id, `${at}.port`, "must be empty or a port number");
  }
  if (t.query !== undefined && t.query !== "" && !t.query.startsWith("?")) {
    throw dnrErrors.invalidKey(id, `${at}.query`, "must be empty or start with ?");
  }
  if (t.fragment !== undefined && t.fragment !== "" && !t.fragment.startsWith("#")) {
    throw dnrErrors.invalidKey(id, `${at}.fragment`, "must be empty or start with #");
  }
  if (t.query !== undefined && t.queryTransform !== undefined) {
    throw dnrErrors.queryAndTransform(id);
  }
}

/** How many capturing groups a regexFilter has (plain and named; not `(?:`, `(?i)`...). */
function captureGroups(source: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") {
      if (source[i + 1] !== "?") n++;
      else if (source.startsWith("?P<", i + 1) || /^\?<[A-Za-z_]/.test(source.slice(i + 1))) n++;
    }
  }
  return n;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a rule and compiles it for matching; throws a TypeError naming the rule's id and
 * the field at fault.
 *
 * @example
 * ```ts
 * const r = compileRule({ id: 1, condition: { urlFilter: "||ads.example^" },
 *   action: { type: "block" } }, 0);
 * r.rank; // 3
 * ```
 */
export function compileRule(input: unknown, ruleset: number): CompiledRule {
  let rule: Rule;
  try {
    // a fresh copy (null properties left out, as Chrome's bindings hand a rule on): later
    // changes to the input do not reach the rule
    rule = parseDnrRule(input, DNR_ENUM_VALUES) as Rule;
  } catch (refusal) {
    if (!(refusal instanceof SchemaRefusal)) throw refusal;
    // Chrome's bindings' words; the rule engine adds the call's prefix
    const tail = refusal.path.map((key) =>
      typeof key === "number" ? `Error at index ${key}: ` : `Error at property '${key}': `
    ).join("") + refusal.problem;
    const error = new TypeError(`${tail}.`) as TypeError & { field: string; bindingTail: string };
    error.field = refusal.field.join(".");
    error.bindingTail = tail;
    throw error;
  }
  const c = rule.condition;
  const a = rule.action;
  if (rule.id < 1) throw dnrErrors.invalidRuleKey(rule.id, "id", 1);
  if (rule.priority !== undefined && rule.priority < 1) {
    throw dnrErrors.invalidRuleKey(rule.id, "priority", 1);
  }
  if (c.urlFilter !== undefined && c.regexFilter !== undefined) {
    throw dnrErrors.multipleFilters(rule.id);
  }
  const cs = c.isUrlFilterCaseSensitive === true;
  let filter: UrlFilter | null = null;
  if (c.urlFilter !== undefined) {
    if (c.urlFilter === "") throw dnrErrors.emptyKey(rule.id, "urlFilter");
    try {
      filter = parseUrlFilter(c.urlFilter, cs);
    } catch (e) {
      const detail = (e as Error).message;
      throw detail === "Must be ASCII"
        ? dnrErrors.nonAscii(rule.id, "urlFilter", detail)
        : dnrErrors.invalidKey(rule.id, "urlFilter", detail);
    }
  }
  let regex: RegexFilter | null = null;
  if (c.regexFilter !== undefined) {
    if (c.regexFilter === "") throw dnrErrors.emptyKey(rule.id, "regexFilter");
    try {
      regex = compileRegexFilter(c.regexFilter, cs);
    } catch (e) {
      const detail = (e as Error).message;
      throw detail === "Must be ASCII"
        ? dnrErrors.nonAscii(rule.id, "regexFilter", detail)
        : (e as { reason?: string }).reason === "memoryLimitExceeded"
        ? dnrErrors.regexTooLarge(rule.id, detail)
        : dnrErrors.invalidKey(rule.id, "regexFilter", detail);
    }
  }
  for (const [field, list] of Object.entries(c)) {
    if (Array.isArray(list) && list.length === 0 && !field.startsWith("excluded")) {
      throw dnrErrors.emptyList(
        rule.id,
        field === "responseHeaders" ? "condition.responseHeaders" : field,
      );
    }
  }
  for (
    const [field, list] of [
      ["condition.responseHeaders", c.responseHeaders],
      ["condition.excludedResponseHeaders", c.excludedResponseHeaders],
    ] as const
  ) {
    list?.forEach((h, i) => {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.header)) {
        throw dnrErrors.invalidMatchingHeaderName(rule.id, field);
      }
      if (h.values !== undefined && h.excludedValues !== undefined) {
        fail(rule.id, `${field}[${i}]`, "Cannot have both values and excludedValues");
      }
    });
  }
  const overlap = <T>(a1: T[] | undefined, a2: T[] | undefined) =>
    (a1 ?? []).find((x) => (a2 ?? []).includes(x));
  if (overlap(c.resourceTypes, c.excludedResourceTypes)) {
    throw dnrErrors.resourceTypeDuplicated(rule.id);
  }
  if (overlap(c.requestMethods, c.excludedRequestMethods)) {
    throw dnrErrors.requestMethodDuplicated(rule.id);
  }
  if (overlap(c.tabIds, c.excludedTabIds) !== undefined) throw dnrErrors.tabIdDuplicated(rule.id);
  if (
    c.excludedResourceTypes && RESOURCE_TYPES.every((t) => c.excludedResourceTypes!.includes(t))
  ) {
    throw dnrErrors.noApplicableResourceTypes(rule.id);
  }
  for (
    const [deprecated, current] of [["domains", "initiatorDomains"], [
      "excludedDomains",
      "excludedInitiatorDomains",
    ]] as const
  ) {
    if (c[deprecated] !== undefined && c[current] !== undefined) {
      throw dnrErrors.deprecatedDomains(rule.id, deprecated, current);
    }
  }
  if (
    a.type === "allowAllRequests" &&
    (!c.resourceTypes || c.resourceTypes.some((t) => t !== "main_frame" && t !== "sub_frame"))
  ) {
    throw dnrErrors.allowAllRequestsResourceType(rule.id);
  }
  if (ruleset !== 0 && (c.tabIds || c.excludedTabIds)) {
    throw dnrErrors.tabIdsOnNonSessionRule(rule.id);
  }
  if (a.type === "redirect") checkRedirect(rule.id, rule, regex !== null);
  if (a.type === "modifyHeaders") {
    if (!a.requestHeaders && !a.responseHeaders) throw dnrErrors.noHeaderLists(rule.id);
    checkHeaders(rule.id, "action.requestHeaders", a.requestHeaders);
    checkHeaders(rule.id, "action.responseHeaders", a.responseHeaders);
  }
  let types = c.resourceTypes
    ? typeBits(c.resourceTypes, TYPE_BIT)
    : ALL_TYPES & ~TYPE_BIT.main_frame;
  if (c.excludedResourceTypes) {
    types = (c.resourceTypes ? types : ALL_TYPES) & ~typeBits(c.excludedResourceTypes, TYPE_BIT);
  }
  const methods =
    (c.requestMethods ? typeBits(c.requestMethods, METHOD_BIT) : ALL_METHODS | NO_METHOD_BIT) &
    ~typeBits(c.excludedRequestMethods, METHOD_BIT);
  return {
    rule: deepFreeze(rule),
    id: rule.id,
    priority: rule.priority ?? 1,
    rank: ACTION_RANK[a.type],
    ruleset,
    filter,
    regex,
    regexLiterals: c.regexFilter === undefined ? [] : requiredLiterals(c.regexFilter, cs),
    types,
    methods,
    requestDomains: domains(rule.id, "condition.requestDomains", c.requestDomains),
    excludedRequestDomains: domains(
      rule.id,
      "condition.excludedRequestDomains",
      c.excludedRequestDomains,
    ),
    initiatorDomains: c.domains !== undefined
      ? domains(rule.id, "condition.domains", c.domains)
      : domains(rule.id, "condition.initiatorDomains", c.initiatorDomains),
    excludedInitiatorDomains: c.excludedDomains !== undefined
      ? domains(rule.id, "condition.excludedDomains", c.excludedDomains)
      : domains(rule.id, "condition.excludedInitiatorDomains", c.excludedInitiatorDomains),
    domainType: c.domainType ?? null,
    tabIds: c.tabIds ? new Set(c.tabIds) : null,
    excludedTabIds: c.excludedTabIds ? new Set(c.excludedTabIds) : null,
    topDomains: domains(rule.id, "condition.topDomains", c.topDomains),
    excludedTopDomains: domains(rule.id, "condition.excludedTopDomains", c.excludedTopDomains),
    responseHeaders: c.responseHeaders ?? null,
    excludedResponseHeaders: c.excludedResponseHeaders?.length ? c.excludedResponseHeaders : null,
    seq: ++sequence,
    tieClass: regex !== null
      ? 2
      : filter === null || !/[^*^|]{5}/.test(filter.parts.join("*"))
      ? 1
      : 0,
    stamp: 0,
  };
}
