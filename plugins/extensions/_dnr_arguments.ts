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
import { invocationError } from "./_chrome_invocation.ts";
import {
  optional,
  parseSchemaValue,
  required,
  type SchemaObject,
  SchemaRefusal,
  type SchemaType,
} from "./_chrome_schema.ts";
import { dnrEnum, type DnrEnumValues, dnrRuleSchema } from "./_dnr_rule_schema.ts";
export type { DnrEnumValues } from "./_dnr_rule_schema.ts";

const integers: SchemaType = { items: "integer" };
const dnrOptions = (name: string, properties: SchemaObject["properties"]): SchemaObject => ({
  name: `declarativeNetRequest.${name}`,
  properties,
});
/** The options with the rules left as given (the rule engine checks them, with the same schema). */
const UPDATE_RULE_OPTIONS = dnrOptions("UpdateRuleOptions", {
  removeRuleIds: optional(integers),
  addRules: optional({ items: "any" }),
});
const updateRuleOptions = (enums: DnrEnumValues) =>
  dnrOptions("UpdateRuleOptions", {
    removeRuleIds: optional(integers),
    addRules: optional({ items: dnrRuleSchema(enums) }),
  });
const GET_RULES_FILTER = dnrOptions("GetRulesFilter", { ruleIds: optional(integers) });
const testMatchRequest = (enums: DnrEnumValues) =>
  dnrOptions("TestMatchRequestDetails", {
    url: required("string"),
    initiator: optional("string"),
    method: optional(dnrEnum("RequestMethod", enums.methods)),
    type: required(dnrEnum("ResourceType", enums.resourceTypes)),
    tabId: optional("integer"),
    topUrl: optional("string"),
    responseHeaders: optional("object"),
  });
const REGEX_OPTIONS = dnrOptions("RegexOptions", {
  regex: required("string"),
  isCaseSensitive: optional("boolean"),
  requireCapturing: optional("boolean"),
});
const MATCHED_RULES_FILTER = dnrOptions("MatchedRulesFilter", {
  tabId: optional("integer"),
  minTimeStamp: optional("number"),
});
const strings: SchemaType = { items: "string" };
/** The options of the other methods that take one, each checked as a whole by its schema. */
const OPTIONS: Readonly<Record<string, { parameter: string; schema: SchemaObject }>> = {
  updateStaticRules: {
    parameter: "options",
    schema: dnrOptions("UpdateStaticRulesOptions", {
      rulesetId: required("string"),
      disableRuleIds: optional(integers),
      enableRuleIds: optional(integers),
    }),
  },
  getDisabledRuleIds: {
    parameter: "options",
    schema: dnrOptions("GetDisabledRuleIdsOptions", { rulesetId: required("string") }),
  },
  updateEnabledRulesets: {
    parameter: "options",
    schema: dnrOptions("UpdateRulesetOptions", {
      disableRulesetIds: optional(strings),
      enableRulesetIds: optional(strings),
    }),
  },
  setExtensionActionOptions: {
    parameter: "options",
    schema: dnrOptions("ExtensionActionOptions", {
      displayActionCountAsBadgeText: optional("boolean"),
      tabUpdate: optional(
        dnrOptions("TabActionCountUpdate", {
          tabId: required("integer"),
          increment: required("integer"),
        }),
      ),
    }),
  },
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
  updateStaticRules: "declarativeNetRequest.UpdateStaticRulesOptions options",
  getDisabledRuleIds: "declarativeNetRequest.GetDisabledRuleIdsOptions options",
  updateEnabledRulesets: "declarativeNetRequest.UpdateRulesetOptions options",
  setExtensionActionOptions: "declarativeNetRequest.ExtensionActionOptions options",
};

/** The methods whose only parameter is the callback. */
const CALLBACK_ONLY = new Set(["getEnabledRulesets", "getAvailableStaticRuleCount"]);

const signature = (method: string) =>
  CALLBACK_ONLY.has(method)
    ? `declarativeNetRequest.${method}(optional function callback)`
    : `declarativeNetRequest.${method}(${SIGNATURES[method]}, optional function callback)`;

/**
 * The TypeError Chrome's bindings throw for a call to `method` whose arguments match none of its
 * signatures (a parameter that is no object, one argument too many, a required one left out).
 *
 * @example
 * ```ts
 * dnrNoMatchingSignature("isRegexSupported").message;
 * // "Error in invocation of declarativeNetRequest.isRegexSupported(declarativeNetRequest.
 * //  RegexOptions regexOptions, optional function callback): No matching signature."
 * ```
 */
export function dnrNoMatchingSignature(method: string): TypeError {
  return new TypeError(`Error in invocation of ${signature(method)}: No matching signature.`);
}

/**
 * Checks a dictionary argument against its schema; throws Chrome's TypeError. A refusal inside
 * `addRules` also carries the rule's index (`ruleIndex`) and the field at fault in it (`field`).
 */
function checkDictionary(
  method: string,
  parameter: string,
  value: unknown,
  schema: SchemaObject,
): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw dnrNoMatchingSignature(method);
  }
  try {
    parseSchemaValue(value, schema);
  } catch (error) {
    if (!(error instanceof SchemaRefusal)) throw error;
    const refused = invocationError(signature(method), parameter, error.path, error.problem);
    const [top, index] = error.field;
    if (top === "addRules" && typeof index === "number") {
      Object.assign(refused, { ruleIndex: index, field: error.field.slice(2).join(".") });
    }
    throw refused;
  }
}

/**
 * Checks `updateSessionRules`/`updateDynamicRules`' options (`method` names the call); with
 * `enums`, the rules inside `addRules` too (the Worker's check at the call; the session side's
 * rule engine checks each rule with the same schema, `_dnr_rule_schema.ts`).
 *
 * @example
 * ```ts
 * checkUpdateRuleOptions("updateSessionRules", { removeRuleIds: [1] }); // passes
 * // checkUpdateRuleOptions("updateSessionRules", { addRule: [] }) throws
 * // "... Error at parameter 'options': Unexpected property: 'addRule'."
 * ```
 */
export function checkUpdateRuleOptions(
  method: string,
  options: unknown,
  enums?: DnrEnumValues,
): void {
  const schema = enums ? updateRuleOptions(enums) : UPDATE_RULE_OPTIONS;
  checkDictionary(method, "options", options, schema);
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
 * const enums = {
 *   resourceTypes: ["script"],
 *   methods: ["get"],
 *   actionTypes: ["block"],
 *   headerOperations: ["set"],
 *   domainTypes: ["firstParty"],
 * };
 * checkTestMatchRequest({ url: "https://a.test/", type: "script", method: "get" }, enums); // passes
 * ```
 */
export function checkTestMatchRequest(request: unknown, enums: DnrEnumValues): void {
  checkDictionary("testMatchOutcome", "request", request, testMatchRequest(enums));
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
 * Checks the options of `updateStaticRules`, `getDisabledRuleIds`, `updateEnabledRulesets` or
 * `setExtensionActionOptions` (`method`) against their schema.
 *
 * @example
 * ```ts
 * checkDnrOptions("getDisabledRuleIds", { rulesetId: "main" }); // passes
 * // checkDnrOptions("updateStaticRules", {}) throws
 * // "... Error at parameter 'options': Missing required property 'rulesetId'."
 * ```
 */
export function checkDnrOptions(method: string, options: unknown): void {
  const { parameter, schema } = OPTIONS[method];
  checkDictionary(method, parameter, options, schema);
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
