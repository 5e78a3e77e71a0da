/**
 * `chrome.declarativeNetRequest.*` calls of a background, answered with the extension's rules.
 *
 * @module
 */
import type { ExtensionRules } from "./extension_rules.ts";
import { regexSupport } from "../web-request/_regex_filter.ts";
import { checkRegexOptions } from "./_dnr_arguments.ts";

/**
 * Answers one `declarativeNetRequest` call (`op` is the method's name).
 *
 * @example
 * ```ts ignore
 * await declarativeNetRequestCall(rules, (p) => p === "declarativeNetRequest", "getDynamicRules", []);
 * ```
 */
export function declarativeNetRequestCall(
  rules: ExtensionRules,
  has: (permission: string) => boolean,
  op: string,
  args: unknown[],
): unknown {
  // null for an optional parameter is left out, as Chrome's bindings take it
  const a = (args[0] ?? undefined) as never;
  switch (op) {
    case "updateDynamicRules":
      return rules.updateDynamicRules(a);
    case "updateSessionRules":
      return rules.updateSessionRules(a);
    case "getDynamicRules":
      return rules.getDynamicRules(a);
    case "getSessionRules":
      return rules.getSessionRules(a);
    case "updateEnabledRulesets":
      return rules.updateEnabledRulesets(a);
    case "getEnabledRulesets":
      return rules.getEnabledRulesets();
    case "updateStaticRules":
      return rules.updateStaticRules(a);
    case "getDisabledRuleIds":
      return rules.getDisabledRuleIds(a);
    case "getMatchedRules":
      if (!has("declarativeNetRequestFeedback")) {
        throw new Error(
          "The extension must have the declarativeNetRequestFeedback permission or have activeTab granted for the specified tab ID in order to call this function.",
        );
      }
      return rules.getMatchedRules(a);
    case "testMatchOutcome":
      return rules.testMatchOutcome(a);
    case "getAvailableStaticRuleCount":
      return Math.max(0, 330_000 - rules.staticRuleCount);
    case "isRegexSupported": {
      checkRegexOptions(args[0]);
      const o = args[0] as { regex: string; isCaseSensitive?: boolean };
      return regexSupport(o.regex, o.isCaseSensitive !== false);
    }
  }
  throw new Error(`declarativeNetRequest.${op} is not supported by websession`);
}
