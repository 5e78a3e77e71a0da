/**
 * Chrome's bindings' words for a rule that does not fit the declarativeNetRequest schema (an
 * unknown property, a missing one, a value of the wrong type or outside an enum), made from the
 * first valibot issue of `dnr_rule.ts`'s schema: `Error at property 'action': Error at property
 * 'type': Value must be one of allow, allowAllRequests, block, modifyHeaders, redirect,
 * upgradeScheme.` The rule engine puts the call's prefix before it (the method, `options`,
 * `addRules` and the rule's index), as Chromium 156 throws it.
 *
 * @module
 */
import type * as v from "valibot";
import { chromeTypeName } from "../extensions/_chrome_invocation.ts";

/** Chrome's type names of the schema's objects, by property. */
const OBJECT_TYPES: Record<string, string> = {
  action: "declarativeNetRequest.RuleAction",
  condition: "declarativeNetRequest.RuleCondition",
  redirect: "declarativeNetRequest.Redirect",
  transform: "declarativeNetRequest.URLTransform",
  queryTransform: "declarativeNetRequest.QueryTransform",
  requestHeaders: "declarativeNetRequest.ModifyHeaderInfo",
  responseHeaders: "declarativeNetRequest.ModifyHeaderInfo",
};

/** A refused rule's schema problem: Chrome's text after the rule's index, and the field. */
export interface SchemaRefusal {
  /** `Error at property 'action': ... Value must be one of ...` (no final period). */
  tail: string;
  /** The field as a dotted path into the rule (`action.type`). */
  field: string;
}

/**
 * Chrome's words for the first issue of a rule's schema check; `input` is the rule as given.
 *
 * @example
 * ```ts ignore
 * schemaRefusal(result.issues[0], rule).tail;
 * // "Error at property 'action': Error at property 'type': Value must be one of allow, ..."
 * ```
 */
export function schemaRefusal(
  issue: v.BaseIssue<unknown>,
  input: unknown,
): SchemaRefusal {
  const keys = (issue.path ?? []).map((step) => step.key as string | number);
  let value: unknown = input;
  for (const key of keys) value = (value as Record<string | number, unknown> | null)?.[key];
  const at = (path: Array<string | number>) =>
    path.map((key) =>
      typeof key === "number" ? `Error at index ${key}: ` : `Error at property '${key}': `
    ).join("");
  const leaf = keys.at(-1);
  let path = keys;
  let problem: string;
  if (issue.type === "strict_object" && value === undefined && leaf !== undefined) {
    path = keys.slice(0, -1);
    problem = issue.expected === "never"
      ? `Unexpected property: '${leaf}'`
      : `Missing required property '${leaf}'`;
  } else if (issue.type === "strict_object" && issue.expected === "never") {
    path = keys.slice(0, -1);
    problem = `Unexpected property: '${leaf}'`;
  } else if (issue.type === "picklist") {
    const options = [...(issue.expected ?? "").matchAll(/"([^"]*)"/g)].map((m) => m[1]).sort();
    problem = `Value must be one of ${options.join(", ")}`;
  } else {
    const expected = issue.type === "number" || issue.type === "integer"
      ? "integer" // the schema's numbers are Chrome's integers (ids, priorities, tab ids)
      : issue.type === "strict_object" || issue.type === "object"
      ? OBJECT_TYPES[typeof leaf === "number" ? String(keys.at(-2)) : String(leaf)] ?? "object"
      : issue.type;
    problem = `Invalid type: expected ${expected}, found ${chromeTypeName(value)}`;
  }
  return {
    tail: `${at(path)}${problem}`,
    field: keys.map(String).join("."),
  };
}
