/**
 * The arguments of `declarativeNetRequest`'s methods, checked as Chrome's bindings check them
 * against the API's schema: an unknown property (a typo such as `addRule`), a value of the wrong
 * type or a missing required property is a TypeError in Chrome's words, naming the parameter and
 * the property, before anything changes. The rules inside `addRules` are the rule checks' own
 * (`../web-request/dnr_rule.ts`, on valibot). Plain code that imports only this folder: an
 * extension's background Worker throws these at the call, as Chrome does, and the session's own
 * `ses.declarativeNetRequest` and an extension's session side (for a call that bypassed the
 * Worker's bindings) check with the same functions.
 *
 * @module
 */
import { chromeTypeName, invocationError } from "./_chrome_invocation.ts";

/** One property of a dictionary: its type, and whether it must be there. */
interface Property {
  type:
    | "integer"
    | "number"
    | "boolean"
    | "string"
    | "object"
    | "integers"
    | "array"
    | "resourceType"
    | "method";
  required?: boolean;
}

/** The values of the schema's enums that `testMatchOutcome`'s request is checked against. */
export interface DnrEnumValues {
  /** `declarativeNetRequest.ResourceType`'s values. */
  resourceTypes: readonly string[];
  /** `declarativeNetRequest.RequestMethod`'s values (lower case). */
  methods: readonly string[];
}

const UPDATE_RULE_OPTIONS: Readonly<Record<string, Property>> = {
  removeRuleIds: { type: "integers" },
  addRules: { type: "array" },
};
const GET_RULES_FILTER: Readonly<Record<string, Property>> = { ruleIds: { type: "integers" } };
const TEST_MATCH_REQUEST: Readonly<Record<string, Property>> = {
  url: { type: "string", required: true },
  initiator: { type: "string" },
  method: { type: "method" },
  type: { type: "resourceType", required: true },
  tabId: { type: "integer" },
  topUrl: { type: "string" },
  responseHeaders: { type: "object" },
};
const REGEX_OPTIONS: Readonly<Record<string, Property>> = {
  regex: { type: "string", required: true },
  isCaseSensitive: { type: "boolean" },
  requireCapturing: { type: "boolean" },
};
const MATCHED_RULES_FILTER: Readonly<Record<string, Property>> = {
  tabId: { type: "integer" },
  minTimeStamp: { type: "number" },
};

/** Each method's signature, as Chrome's binding errors spell it. */
const SIGNATURES: Readonly<Record<string, string>> = {
  updateSessionRules: "declarativeNetRequest.UpdateRuleOptions options",
  updateDynamicRules: "declarativeNetRequest.UpdateRuleOptions options",
  getSessionRules: "optional declarativeNetRequest.GetRulesFilter filter",
  getDynamicRules: "optional declarativeNetRequest.GetRulesFilter filter",
  testMatchOutcome: "declarativeNetRequest.TestMatchRequestDetails request",
  isRegexSupported: "declarativeNetRequest.RegexOptions regexOptions",
  getMatchedRules: "optional declarativeNetRequest.MatchedRulesFilter filter",
};

const NO_ENUMS: DnrEnumValues = { resourceTypes: [], methods: [] };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Why a value is not of a type (Chrome's words, no final period), or null when it is. */
function mismatch(value: unknown, type: Property["type"], enums: DnrEnumValues): string | null {
  const expected = (name: string) =>
    `Invalid type: expected ${name}, found ${chromeTypeName(value)}`;
  const oneOf = (values: readonly string[]) =>
    values.includes(value as string)
      ? null
      : `Value must be one of ${[...values].sort().join(", ")}`;
  switch (type) {
    case "integer":
      return Number.isInteger(value) ? null : expected("integer");
    case "number":
      return typeof value === "number" ? null : expected("number");
    case "boolean":
      return typeof value === "boolean" ? null : expected("boolean");
    case "string":
      return typeof value === "string" ? null : expected("string");
    case "object":
      return isObject(value) ? null : expected("object");
    case "array":
      return Array.isArray(value) ? null : expected("array");
    case "integers": {
      if (!Array.isArray(value)) return expected("array");
      const at = value.findIndex((item) => !Number.isInteger(item));
      return at < 0 ? null : `Error at index ${at}: ${mismatch(value[at], "integer", enums)}`;
    }
    case "resourceType":
      return oneOf(enums.resourceTypes);
    case "method":
      return oneOf(enums.methods);
  }
}

/** Checks a dictionary argument against its properties; throws Chrome's TypeError. */
function checkDictionary(
  method: string,
  parameter: string,
  value: unknown,
  properties: Readonly<Record<string, Property>>,
  enums: DnrEnumValues = NO_ENUMS,
): void {
  const signature = `declarativeNetRequest.${method}(${
    SIGNATURES[method]
  }, optional function callback)`;
  const fail = (path: string[], problem: string): never => {
    throw invocationError(signature, parameter, path, problem);
  };
  if (!isObject(value)) fail([], `Invalid type: expected object, found ${chromeTypeName(value)}`);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(properties, key)) fail([], `Unexpected property: '${key}'`);
  }
  for (const [key, property] of Object.entries(properties)) {
    const item = given[key];
    if (item === undefined || item === null) {
      if (property.required) fail([], `Missing required property '${key}'`);
      continue;
    }
    const why = mismatch(item, property.type, enums);
    if (why !== null) fail([key], why);
  }
}

/**
 * Checks `updateSessionRules`/`updateDynamicRules`' options (`method` names the call).
 *
 * @example
 * ```ts
 * checkUpdateRuleOptions("updateSessionRules", { removeRuleIds: [1] }); // passes
 * // checkUpdateRuleOptions("updateSessionRules", { addRule: [] }) throws
 * // "... Error at parameter 'options': Unexpected property: 'addRule'."
 * ```
 */
export function checkUpdateRuleOptions(method: string, options: unknown): void {
  checkDictionary(method, "options", options, UPDATE_RULE_OPTIONS);
}

/**
 * Checks `getSessionRules`/`getDynamicRules`' filter (`method` names the call).
 *
 * @example
 * ```ts
 * checkGetRulesFilter("getSessionRules", { ruleIds: [1, 2] }); // passes
 * ```
 */
export function checkGetRulesFilter(method: string, filter: unknown): void {
  checkDictionary(method, "filter", filter, GET_RULES_FILTER);
}

/**
 * Checks `testMatchOutcome`'s request against the schema: `url` and `type` required, `type` one
 * of `enums.resourceTypes`, `method` one of `enums.methods` (Chrome's lower-case methods).
 *
 * @example
 * ```ts
 * const enums = { resourceTypes: ["script"], methods: ["get"] };
 * checkTestMatchRequest({ url: "https://a.test/", type: "script", method: "get" }, enums); // passes
 * ```
 */
export function checkTestMatchRequest(request: unknown, enums: DnrEnumValues): void {
  checkDictionary("testMatchOutcome", "request", request, TEST_MATCH_REQUEST, enums);
}

/**
 * Checks the values of a schema-checked `testMatchOutcome` request as Chromium 156's API does
 * (its function, not its bindings: the call rejects): a URL, an initiator origin and a top URL
 * that parse.
 *
 * @example
 * ```ts
 * checkTestMatchUrls({ url: "https://a.test/" }); // passes
 * // checkTestMatchUrls({ url: "nope" }) throws "Invalid test request URL."
 * ```
 */
export function checkTestMatchUrls(request: unknown): void {
  const r = request as { url: string; initiator?: string; topUrl?: string };
  if (!URL.canParse(r.url)) throw new TypeError("Invalid test request URL.");
  if (r.initiator !== undefined && !(URL.canParse(r.initiator) && new URL(r.initiator).host)) {
    throw new TypeError("Invalid test request initiator.");
  }
  if (r.topUrl !== undefined && !URL.canParse(r.topUrl)) {
    throw new TypeError("Invalid test request top URL.");
  }
}

/**
 * Checks `isRegexSupported`'s options: `regex` required.
 *
 * @example
 * ```ts
 * checkRegexOptions({ regex: "^https://", isCaseSensitive: false }); // passes
 * ```
 */
export function checkRegexOptions(options: unknown): void {
  checkDictionary("isRegexSupported", "regexOptions", options, REGEX_OPTIONS);
}

/**
 * Checks `getMatchedRules`' filter (`tabId`, `minTimeStamp`).
 *
 * @example
 * ```ts
 * checkMatchedRulesFilter({ minTimeStamp: 0 }); // passes
 * ```
 */
export function checkMatchedRulesFilter(filter: unknown): void {
  checkDictionary("getMatchedRules", "filter", filter, MATCHED_RULES_FILTER);
}
