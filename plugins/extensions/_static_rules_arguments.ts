/**
 * The argument checks of `declarativeNetRequest.updateStaticRules(options)` and
 * `getDisabledRuleIds(options)`, made in the background Worker where Chrome's bindings make them,
 * with Chromium 156's words.
 *
 * @module
 */
import { invalidType, invocationError } from "./_chrome_invocation.ts";

const OPTIONS_TYPE: Record<string, string> = {
  updateStaticRules: "UpdateStaticRulesOptions",
  getDisabledRuleIds: "GetDisabledRuleIdsOptions",
};

/**
 * Throws Chrome's TypeError when `options` of `declarativeNetRequest.<method>` do not fit the
 * schema: an object with a string `rulesetId` and, for `updateStaticRules`, optional arrays of
 * integers `disableRuleIds` and `enableRuleIds`.
 *
 * @example
 * ```ts
 * checkStaticRulesOptions("getDisabledRuleIds", { rulesetId: "main" }); // fine
 * try {
 *   checkStaticRulesOptions("updateStaticRules", {});
 * } catch (error) {
 *   (error as Error).message; // "... Missing required property 'rulesetId'."
 * }
 * ```
 */
export function checkStaticRulesOptions(method: string, options: unknown): void {
  const type = `declarativeNetRequest.${OPTIONS_TYPE[method]}`;
  const signature = `declarativeNetRequest.${method}(${type} options, optional function callback)`;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw invalidType(signature, "options", [], type, options);
  }
  const o = options as Record<string, unknown>;
  if (o.rulesetId === undefined) {
    throw invocationError(signature, "options", [], "Missing required property 'rulesetId'");
  }
  if (typeof o.rulesetId !== "string") {
    throw invalidType(signature, "options", ["rulesetId"], "string", o.rulesetId);
  }
  if (method !== "updateStaticRules") return;
  for (const key of ["disableRuleIds", "enableRuleIds"]) {
    const ids = o[key];
    if (ids === undefined) continue;
    if (!Array.isArray(ids)) throw invalidType(signature, "options", [key], "array", ids);
    ids.forEach((id, index) => {
      if (!Number.isInteger(id)) {
        throw invalidType(signature, "options", [key, index], "integer", id);
      }
    });
  }
}
