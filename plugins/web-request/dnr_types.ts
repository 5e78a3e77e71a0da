/**
 * The types of Chrome's `declarativeNetRequest` rule format, as websession accepts it.
 *
 * @module
 */

// declarativeNetRequest names resource types as webRequest and the kernel's pipeline do.
import { RESOURCE_TYPES, type ResourceType } from "../../kernel/request.ts";
export { RESOURCE_TYPES, type ResourceType } from "../../kernel/request.ts";

/** A request method, lower case. */
export type RequestMethod =
  | "connect"
  | "delete"
  | "get"
  | "head"
  | "options"
  | "patch"
  | "post"
  | "put"
  | "other";

/**
 * Every request method a condition may name.
 *
 * @example
 * ```ts
 * REQUEST_METHODS.includes("post"); // true
 * ```
 */
export const REQUEST_METHODS: readonly RequestMethod[] = [
  "connect",
  "delete",
  "get",
  "head",
  "options",
  "patch",
  "post",
  "put",
  "other",
];

/**
 * What a rule may do, as Chrome's `RuleActionType` lists it.
 *
 * @example
 * ```ts
 * RULE_ACTION_TYPES.includes("block"); // true
 * ```
 */
export const RULE_ACTION_TYPES = [
  "block",
  "redirect",
  "allow",
  "upgradeScheme",
  "modifyHeaders",
  "allowAllRequests",
] as const;

/** What a rule does. */
export type RuleActionType = typeof RULE_ACTION_TYPES[number];

/** One header change of a `modifyHeaders` rule. */
export interface ModifyHeaderInfo {
  /** Header name. */
  header: string;
  /** `set` replaces, `append` adds a value, `remove` deletes every value. */
  operation: "append" | "set" | "remove";
  /** The value (required for set and append, forbidden for remove). */
  value?: string;
}

/** A query parameter to add or replace. */
export interface QueryKeyValue {
  /** Parameter name. */
  key: string;
  /** Parameter value. */
  value: string;
  /** Only replace an existing parameter; never add. */
  replaceOnly?: boolean;
}

/** Changes to the query of a redirected URL. */
export interface QueryTransform {
  /** Parameter names to remove. */
  removeParams?: string[];
  /** Parameters to add or replace. */
  addOrReplaceParams?: QueryKeyValue[];
}

/** Changes applied to the request URL to build the redirect URL. */
export interface URLTransform {
  /** New scheme: http, https, ftp or chrome-extension. */
  scheme?: string;
  /** New host. */
  host?: string;
  /** New port; `""` clears it. */
  port?: string;
  /** New path; `""` clears it. */
  path?: string;
  /** New query, `""` or starting with `?`. */
  query?: string;
  /** Query parameter changes (not with `query`). */
  queryTransform?: QueryTransform;
  /** New fragment, `""` or starting with `#`. */
  fragment?: string;
  /** New user name. */
  username?: string;
  /** New password. */
  password?: string;
}

/** Where a `redirect` rule sends the request. `extensionPath` is not supported. */
export interface Redirect {
  /** A full URL. */
  url?: string;
  /** A transform of the request URL. */
  transform?: URLTransform;
  /** A substitution for the `regexFilter` match, `\0`..`\9` referring to groups. */
  regexSubstitution?: string;
}

/** What a rule does when it matches. */
export interface RuleAction {
  /** The action. */
  type: RuleActionType;
  /** For `redirect`. */
  redirect?: Redirect;
  /** For `modifyHeaders`: request header changes. */
  requestHeaders?: ModifyHeaderInfo[];
  /** For `modifyHeaders`: response header changes. */
  responseHeaders?: ModifyHeaderInfo[];
}

/** When a rule matches. */
export interface RuleCondition {
  /** Chrome's URL filter syntax: `||`, `|`, `^`, `*`. */
  urlFilter?: string;
  /** A regular expression matched against the URL (RE2 subset). */
  regexFilter?: string;
  /** Whether `urlFilter`/`regexFilter` are case sensitive (default false). */
  isUrlFilterCaseSensitive?: boolean;
  /** Only requests to these domains (and their subdomains). */
  requestDomains?: string[];
  /** Never requests to these domains. */
  excludedRequestDomains?: string[];
  /** Only requests started from these domains. */
  initiatorDomains?: string[];
  /** Never requests started from these domains. */
  excludedInitiatorDomains?: string[];
  /** Chrome's deprecated name of `initiatorDomains` (still taken; not both). */
  domains?: string[];
  /** Chrome's deprecated name of `excludedInitiatorDomains` (still taken; not both). */
  excludedDomains?: string[];
  /** Only these resource types (default: all but main_frame). */
  resourceTypes?: ResourceType[];
  /** Never these resource types. */
  excludedResourceTypes?: ResourceType[];
  /** Only these methods. */
  requestMethods?: RequestMethod[];
  /** Never these methods. */
  excludedRequestMethods?: RequestMethod[];
  /** First-party (same site as the initiator) or third-party requests only. */
  domainType?: "firstParty" | "thirdParty";
  /** Only requests from these tabs (session rules only). */
  tabIds?: number[];
  /** Never requests from these tabs (session rules only). */
  excludedTabIds?: number[];
  /** Only requests whose top-level document is on these domains (and their subdomains). */
  topDomains?: string[];
  /** Never requests whose top-level document is on these domains. */
  excludedTopDomains?: string[];
  /** Only responses with one of these headers (matched when the response headers arrive). */
  responseHeaders?: HeaderInfo[];
  /** Never responses with one of these headers. */
  excludedResponseHeaders?: HeaderInfo[];
}

/** A response header condition: the header, and optionally value patterns (`*`, `?`). */
export interface HeaderInfo {
  /** The header name (any case). */
  header: string;
  /** Patterns one of which the value must match (case-insensitive; `*` any, `?` zero or one). */
  values?: string[];
  /** Patterns none of which the value may match. */
  excludedValues?: string[];
}

/** One declarative rule. */
export interface Rule {
  /** Unique within its ruleset, at least 1. */
  id: number;
  /** At least 1; default 1. */
  priority?: number;
  /** When it matches. */
  condition: RuleCondition;
  /** What it does. */
  action: RuleAction;
}

/** Rules to remove, then rules to add, in one atomic update. */
export interface UpdateRuleOptions {
  /** Ids to remove (unknown ids are ignored). */
  removeRuleIds?: number[];
  /** Rules to add. */
  addRules?: Rule[];
}

/** Which rules `getSessionRules`/`getDynamicRules` return. */
export interface GetRulesFilter {
  /** Only these ids. */
  ruleIds?: number[];
}

/** A request as `testMatchOutcome` takes it. */
export interface TestMatchRequestDetails {
  /** The request URL. */
  url: string;
  /** Its resource type. */
  type: ResourceType;
  /** Its method (default `get`). */
  method?: string;
  /** The initiator's origin, if any. */
  initiator?: string;
  /** The tab it belongs to (default -1). */
  tabId?: number;
  /** The top-level document's URL, if any (what `topDomains` conditions read). */
  topUrl?: string;
  /** The response headers, for rules with response header conditions (Chrome 128+). */
  responseHeaders?: Record<string, string[]>;
}

/** A rule that matched, by id and ruleset (`_session` or `_dynamic`). */
export interface MatchedRule {
  /** The rule's id. */
  ruleId: number;
  /** `_session` or `_dynamic`. */
  rulesetId: string;
}

/** What `testMatchOutcome` returns. */
export interface TestMatchOutcomeResult {
  /** The rules that would apply, in the order they would. */
  matchedRules: MatchedRule[];
}

/**
 * The operations of a `modifyHeaders` rule, as Chrome's `HeaderOperation` lists them.
 *
 * @example
 * ```ts
 * HEADER_OPERATIONS.includes("append"); // true
 * ```
 */
export const HEADER_OPERATIONS: readonly ModifyHeaderInfo["operation"][] = [
  "append",
  "set",
  "remove",
];

/**
 * The values of a condition's `domainType`, as Chrome's `DomainType` lists them.
 *
 * @example
 * ```ts
 * DOMAIN_TYPES.includes("thirdParty"); // true
 * ```
 */
export const DOMAIN_TYPES: readonly NonNullable<RuleCondition["domainType"]>[] = [
  "firstParty",
  "thirdParty",
];

/**
 * The values of Chrome's declarativeNetRequest enums that a rule and a `testMatchOutcome` request
 * are checked against (`../extensions/_dnr_rule_schema.ts` and `_dnr_arguments.ts`, which an
 * extension's Worker also runs with the values of the Chrome enums it is handed).
 *
 * @example
 * ```ts
 * DNR_ENUM_VALUES.methods.includes("get"); // true
 * ```
 */
export const DNR_ENUM_VALUES: {
  readonly resourceTypes: readonly string[];
  readonly methods: readonly string[];
  readonly actionTypes: readonly string[];
  readonly headerOperations: readonly string[];
  readonly domainTypes: readonly string[];
} = {
  resourceTypes: RESOURCE_TYPES,
  methods: REQUEST_METHODS,
  actionTypes: RULE_ACTION_TYPES,
  headerOperations: HEADER_OPERATIONS,
  domainTypes: DOMAIN_TYPES,
};
