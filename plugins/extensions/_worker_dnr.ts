/**
 * The Worker's `chrome.declarativeNetRequest`: Chrome's enums and constants, the methods the
 * session answers with the extension's rules, and `setExtensionActionOptions` answered here (no
 * toolbar badge, no tabs). As Chrome's bindings do, a call whose arguments do not fit the schema
 * throws where it is made (`_dnr_arguments.ts`, the rules inside `addRules` included); what
 * Chrome's API itself refuses (a rule's values that fit the
 * schema, a test request's URLs, limits) rejects.
 *
 * @module
 */
import type { BackgroundInit } from "./_wire.ts";
import type { Checked } from "./_worker_storage.ts";
import {
  checkDnrOptions,
  checkGetRulesFilter,
  checkMatchedRulesFilter,
  checkRegexOptions,
  checkTestMatchRequest,
  checkUpdateRuleOptions,
  type DnrEnumValues,
  dnrNoMatchingSignature,
} from "./_dnr_arguments.ts";

/**
 * The check of each method's arguments (without the callback, or the null or undefined in its place) that
 * has one: a required parameter must be the one argument; an optional one may be left out or
 * null, as Chrome's bindings take it.
 */
function argumentChecks(enums: DnrEnumValues): Record<string, (given: unknown[]) => void> {
  const required = (method: string, check: (value: unknown) => void) => (args: unknown[]) => {
    if (args.length !== 1) throw dnrNoMatchingSignature(method);
    check(args[0]);
  };
  const optional = (method: string, check: (value: unknown) => void) => (args: unknown[]) => {
    if (args.length > 1) throw dnrNoMatchingSignature(method);
    if (args[0] !== undefined && args[0] !== null) check(args[0]);
  };
  const none = (method: string) => (args: unknown[]) => {
    if (args.length > 0) throw dnrNoMatchingSignature(method);
  };
  const options = (method: string) => required(method, (o) => checkDnrOptions(method, o));
  const update = (method: string) =>
    required(method, (options) => checkUpdateRuleOptions(method, options, enums));
  const getRules = (method: string) =>
    optional(method, (filter) => checkGetRulesFilter(method, filter));
  return {
    updateDynamicRules: update("updateDynamicRules"),
    updateSessionRules: update("updateSessionRules"),
    getDynamicRules: getRules("getDynamicRules"),
    getSessionRules: getRules("getSessionRules"),
    getMatchedRules: optional("getMatchedRules", checkMatchedRulesFilter),
    testMatchOutcome: required("testMatchOutcome", (r) => checkTestMatchRequest(r, enums)),
    isRegexSupported: required("isRegexSupported", checkRegexOptions),
    updateStaticRules: options("updateStaticRules"),
    getDisabledRuleIds: options("getDisabledRuleIds"),
    updateEnabledRulesets: options("updateEnabledRulesets"),
    setExtensionActionOptions: options("setExtensionActionOptions"),
    getEnabledRulesets: none("getEnabledRulesets"),
    getAvailableStaticRuleCount: none("getAvailableStaticRuleCount"),
  };
}

/**
 * `chrome.declarativeNetRequest` over `checked` (the Worker's member maker), `event`
 * (a Chrome event) and Chrome's `declarativeNetRequest` enums.
 *
 * @example
 * ```ts ignore
 * chrome.declarativeNetRequest = dnrNamespace(checked, event, init.enums.dnr);
 * ```
 */
export function dnrNamespace(
  checked: Checked,
  event: (name: string) => unknown,
  enums: BackgroundInit["enums"]["dnr"],
): Record<string, unknown> {
  let badgeCount = false;
  const checks = argumentChecks({
    resourceTypes: Object.values(enums.ResourceType),
    methods: Object.values(enums.RequestMethod),
    actionTypes: Object.values(enums.RuleActionType),
    headerOperations: Object.values(enums.HeaderOperation),
    domainTypes: Object.values(enums.DomainType),
  });
  const dnr: Record<string, unknown> = {
    ...enums,
    DYNAMIC_RULESET_ID: "_dynamic",
    SESSION_RULESET_ID: "_session",
    MAX_NUMBER_OF_DYNAMIC_RULES: 30000,
    MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES: 5000,
    MAX_NUMBER_OF_SESSION_RULES: 5000,
    MAX_NUMBER_OF_UNSAFE_SESSION_RULES: 5000,
    MAX_NUMBER_OF_DYNAMIC_AND_SESSION_RULES: 5000, // deprecated, still there in Chromium 156
    MAX_NUMBER_OF_REGEX_RULES: 1000,
    MAX_NUMBER_OF_STATIC_RULESETS: 100,
    MAX_NUMBER_OF_ENABLED_STATIC_RULESETS: 50,
    GUARANTEED_MINIMUM_STATIC_RULES: 30000,
    MAX_GETMATCHEDRULES_CALLS_PER_INTERVAL: 20,
    GETMATCHEDRULES_QUOTA_INTERVAL: 10,
    // websession has no toolbar action whose badge could count matches, and no tabs
    setExtensionActionOptions: checked(
      "declarativeNetRequest.setExtensionActionOptions",
      checks.setExtensionActionOptions,
      (options) => {
        const o = (options ?? {}) as {
          displayActionCountAsBadgeText?: boolean;
          tabUpdate?: { tabId: number };
        };
        if (o.displayActionCountAsBadgeText !== undefined) {
          badgeCount = o.displayActionCountAsBadgeText === true;
        }
        if (!o.tabUpdate) return;
        if (!badgeCount) {
          throw new Error(
            "Cannot increment action count unless displaying action count as badge text.",
          );
        }
        throw new Error(`No tab with id: ${o.tabUpdate.tabId}.`);
      },
    ),
  };
  for (
    const m of [
      "updateDynamicRules",
      "getDynamicRules",
      "updateSessionRules",
      "getSessionRules",
      "updateEnabledRulesets",
      "getEnabledRulesets",
      "getMatchedRules",
      "testMatchOutcome",
      "getAvailableStaticRuleCount",
      "isRegexSupported",
      "updateStaticRules",
      "getDisabledRuleIds",
    ]
  ) {
    dnr[m] = checked(`declarativeNetRequest.${m}`, checks[m]);
  }
  dnr.onRuleMatchedDebug = event("declarativeNetRequest.onRuleMatchedDebug");
  return dnr;
}
