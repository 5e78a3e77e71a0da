/**
 * Chromium's words for a declarative rule it refuses (its declarativeNetRequest parse errors, as
 * `updateDynamicRules`/`updateSessionRules` reject with them), one function per sentence. What
 * websession knows beyond Chrome's sentence (which RE2 construct, which list entry) rides along as
 * the error's `cause`.
 *
 * @module
 */

/** The error of a refused rule: Chrome's sentence, and the rule's `field` at fault. */
export interface RefusedRule extends TypeError {
  /** The field at fault, as a path into the rule (`condition.regexFilter`). */
  field: string;
}

/** A rule refused in Chrome's words, at `field`; `detail` becomes the cause. */
function refused(message: string, field: string, detail?: string): RefusedRule {
  const error = new TypeError(
    message,
    detail === undefined ? undefined : { cause: new Error(detail) },
  ) as RefusedRule;
  error.field = field;
  return error;
}

/** A condition key's path in the rule (`resourceTypes` is `condition.resourceTypes`). */
const inRule = (key: string) =>
  key.includes(".") || key === "id" || key === "priority" ? key : `condition.${key}`;

/**
 * The refusals, each taking the rule's id (and what the sentence names).
 *
 * @example
 * ```ts
 * dnrErrors.invalidRuleKey(0, "id", 1).message;
 * // "Rule with id 0 has an invalid value for id key. This should be greater than or equal to 1."
 * dnrErrors.emptyList(4, "resourceTypes").message;
 * // "Rule with id 4 cannot have an empty list as the value for resourceTypes key."
 * ```
 */
export const dnrErrors = {
  invalidRuleKey: (id: number, key: string, min: number) =>
    refused(
      `Rule with id ${id} has an invalid value for ${key} key. This should be greater than or ` +
        `equal to ${min}.`,
      key,
    ),
  emptyList: (id: number, key: string) =>
    refused(
      `Rule with id ${id} cannot have an empty list as the value for ${key} key.`,
      inRule(key),
    ),
  emptyKey: (id: number, key: string) =>
    refused(`Rule with id ${id} cannot have an empty value for ${key} key.`, inRule(key)),
  nonAscii: (id: number, key: string, detail?: string) =>
    refused(
      `Rule with id ${id} cannot have non-ascii characters as part of "${key}" key.`,
      inRule(key),
      detail,
    ),
  invalidKey: (id: number, key: string, detail?: string) =>
    refused(
      `Rule with id ${id} specifies an incorrect value for the "${key}" key.`,
      inRule(key),
      detail,
    ),
  invalidRedirectUrl: (id: number) =>
    refused(
      `Rule with id ${id} does not provide a valid URL for action.redirect.url key.`,
      "action.redirect.url",
    ),
  javascriptRedirect: (id: number) =>
    refused(
      `Rule with id ${id} specifies an incorrect value for the "action.redirect.url" key. ` +
        "Redirects to javascript urls are not supported.",
      "action.redirect.url",
    ),
  invalidTransformScheme: (id: number) =>
    refused(
      `Rule with id ${id} specifies an incorrect value for the ` +
        '"action.redirect.transform.scheme" key. Allowed values are: [http, https, ftp, ' +
        "chrome-extension].",
      "action.redirect.transform.scheme",
    ),
  queryAndTransform: (id: number) =>
    refused(
      `Rule with id ${id} cannot specify both "action.redirect.transform.query" and ` +
        '"action.redirect.transform.queryTransform" keys.',
      "action.redirect.transform.queryTransform",
    ),
  multipleFilters: (id: number) =>
    refused(
      `Rule with id ${id} can only specify one of "urlFilter" or "regexFilter" keys.`,
      "condition.regexFilter",
    ),
  regexSubstitutionWithoutFilter: (id: number) =>
    refused(
      `Rule with id ${id} can't specify the "regexSubstitution" key without specifying the ` +
        '"regexFilter" key.',
      "action.redirect.regexSubstitution",
    ),
  regexTooLarge: (id: number, detail?: string) =>
    refused(
      `Rule with id ${id} was skipped as the "regexFilter" value exceeded the 2KB memory limit ` +
        "when compiled. Learn more: " +
        "https://developer.chrome.com/docs/extensions/reference/api/declarativeNetRequest#regex-rules",
      "condition.regexFilter",
      detail,
    ),
  allowAllRequestsResourceType: (id: number) =>
    refused(
      `Rule with id ${id} is an "allowAllRequests" rule and must specify the "resourceTypes" ` +
        'key. It may only include the "main_frame" and "sub_frame" resource types.',
      "condition.resourceTypes",
    ),
  noHeaderLists: (id: number) =>
    refused(
      `Rule with id ${id} does not specify a value for "action.requestHeaders" or ` +
        '"action.responseHeaders" key. At least one of these keys must be specified with a ' +
        "non-empty list.",
      "action.requestHeaders",
    ),
  invalidModifyHeaderName: (id: number, field: string) =>
    refused(`Rule with id ${id} must specify a valid header name to be modified.`, field),
  invalidModifyHeaderValue: (id: number, field: string, detail?: string) =>
    refused(
      `Rule with id ${id} must provide a valid header value to be appended/set.`,
      field,
      detail,
    ),
  noHeaderValue: (id: number, field: string) =>
    refused(`Rule with id ${id} must provide a value for a header to be appended/set.`, field),
  headerValuePresent: (id: number, field: string) =>
    refused(
      `Rule with id ${id} must not provide a header value for a header to be removed.`,
      field,
    ),
  appendInvalidRequestHeader: (id: number, field: string) =>
    refused(
      `Rule with id ${id} specifies an invalid request header to be appended. Only standard ` +
        "HTTP request headers that can specify multiple values for a single entry are supported.",
      field,
    ),
  resourceTypeDuplicated: (id: number) =>
    refused(
      `Rule with id ${id} includes and excludes the same resource.`,
      "condition.excludedResourceTypes",
    ),
  requestMethodDuplicated: (id: number) =>
    refused(
      `Rule with id ${id} includes and excludes the same request method.`,
      "condition.excludedRequestMethods",
    ),
  tabIdDuplicated: (id: number) =>
    refused(
      `Rule with id ${id} includes and excludes the same tab ID.`,
      "condition.excludedTabIds",
    ),
  noApplicableResourceTypes: (id: number) =>
    refused(
      `Rule with id ${id} is not applicable to any resource type.`,
      "condition.excludedResourceTypes",
    ),
  deprecatedDomains: (id: number, deprecated: string, current: string) =>
    refused(
      `Rule with id ${id} cannot use deprecated field "${deprecated}". Use "${current}" instead.`,
      `condition.${deprecated}`,
    ),
  tabIdsOnNonSessionRule: (id: number) =>
    refused(
      `Rule with id ${id} specifies a value for "tabIds" or "excludedTabIds" key. These are only ` +
        "supported for session-scoped rules.",
      "condition.tabIds",
    ),
  invalidMatchingHeaderName: (id: number, path: string) =>
    refused(`Rule with id ${id} must specify a valid header name for "${path}" key`, path),
} as const;
