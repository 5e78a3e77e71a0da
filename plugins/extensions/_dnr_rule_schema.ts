/**
 * The schema of a `declarativeNetRequest.Rule` as Chromium 156's API schema has it: the types of
 * its properties, which are required, and the enums (whose values come in as an argument: an
 * extension's Worker has them from its Chrome enums, the rule engine from `dnr_types.ts`). The
 * one shape check of a rule: the Worker throws its refusals at the call, as Chrome's bindings do,
 * and web-request's `dnr_rule.ts` checks each rule with it before Chrome's semantic checks.
 *
 * @module
 */
import {
  optional,
  parseSchemaValue,
  required,
  type SchemaObject,
  type SchemaType,
} from "./_chrome_schema.ts";

/** The values of the declarativeNetRequest enums a rule and a test request are checked against. */
export interface DnrEnumValues {
  /** `declarativeNetRequest.ResourceType`'s values. */
  readonly resourceTypes: readonly string[];
  /** `declarativeNetRequest.RequestMethod`'s values (lower case). */
  readonly methods: readonly string[];
  /** `declarativeNetRequest.RuleActionType`'s values. */
  readonly actionTypes: readonly string[];
  /** `declarativeNetRequest.HeaderOperation`'s values. */
  readonly headerOperations: readonly string[];
  /** `declarativeNetRequest.DomainType`'s values. */
  readonly domainTypes: readonly string[];
}

/**
 * `declarativeNetRequest.<name>`, an enum of the schema.
 *
 * @example
 * ```ts
 * dnrEnum("DomainType", ["firstParty", "thirdParty"]).name; // "declarativeNetRequest.DomainType"
 * ```
 */
export function dnrEnum(name: string, values: readonly string[]): SchemaType {
  return { name: `declarativeNetRequest.${name}`, values };
}

const strings: SchemaType = { items: "string" };
const dnrObject = (name: string, properties: SchemaObject["properties"]): SchemaObject => ({
  name: `declarativeNetRequest.${name}`,
  properties,
});

function buildRuleSchema(enums: DnrEnumValues): SchemaObject {
  const resourceTypes = { items: dnrEnum("ResourceType", enums.resourceTypes) };
  const methods = { items: dnrEnum("RequestMethod", enums.methods) };
  const headerInfo = {
    items: dnrObject("HeaderInfo", {
      header: required("string"),
      values: optional(strings),
      excludedValues: optional(strings),
    }),
  };
  const modifyHeaders = {
    items: dnrObject("ModifyHeaderInfo", {
      header: required("string"),
      operation: required(dnrEnum("HeaderOperation", enums.headerOperations)),
      value: optional("string"),
    }),
  };
  const queryTransform = dnrObject("QueryTransform", {
    removeParams: optional(strings),
    addOrReplaceParams: optional({
      items: dnrObject("QueryKeyValue", {
        key: required("string"),
        value: required("string"),
        replaceOnly: optional("boolean"),
      }),
    }),
  });
  const transform = dnrObject("URLTransform", {
    scheme: optional("string"),
    host: optional("string"),
    port: optional("string"),
    path: optional("string"),
    query: optional("string"),
    queryTransform: optional(queryTransform),
    fragment: optional("string"),
    username: optional("string"),
    password: optional("string"),
  });
  return dnrObject("Rule", {
    id: required("integer"),
    priority: optional("integer"),
    condition: required(dnrObject("RuleCondition", {
      urlFilter: optional("string"),
      regexFilter: optional("string"),
      isUrlFilterCaseSensitive: optional("boolean"),
      initiatorDomains: optional(strings),
      excludedInitiatorDomains: optional(strings),
      requestDomains: optional(strings),
      excludedRequestDomains: optional(strings),
      topDomains: optional(strings),
      excludedTopDomains: optional(strings),
      // the deprecated names of initiatorDomains and excludedInitiatorDomains, still taken
      domains: optional(strings),
      excludedDomains: optional(strings),
      resourceTypes: optional(resourceTypes),
      excludedResourceTypes: optional(resourceTypes),
      requestMethods: optional(methods),
      excludedRequestMethods: optional(methods),
      domainType: optional(dnrEnum("DomainType", enums.domainTypes)),
      tabIds: optional({ items: "integer" }),
      excludedTabIds: optional({ items: "integer" }),
      responseHeaders: optional(headerInfo),
      excludedResponseHeaders: optional(headerInfo),
    })),
    action: required(dnrObject("RuleAction", {
      type: required(dnrEnum("RuleActionType", enums.actionTypes)),
      redirect: optional(dnrObject("Redirect", {
        extensionPath: optional("string"),
        transform: optional(transform),
        url: optional("string"),
        regexSubstitution: optional("string"),
      })),
      requestHeaders: optional(modifyHeaders),
      responseHeaders: optional(modifyHeaders),
    })),
  });
}

const built = new WeakMap<DnrEnumValues, SchemaObject>();

/**
 * The schema of a rule over `enums` (built once per enum values object).
 *
 * @example
 * ```ts ignore
 * dnrRuleSchema(DNR_ENUM_VALUES).name; // "declarativeNetRequest.Rule"
 * ```
 */
export function dnrRuleSchema(enums: DnrEnumValues): SchemaObject {
  let schema = built.get(enums);
  if (!schema) built.set(enums, schema = buildRuleSchema(enums));
  return schema;
}

/**
 * A rule as Chrome's bindings hand it on (a copy, null properties left out); throws a
 * `SchemaRefusal` (`_chrome_schema.ts`) for a rule off the schema.
 *
 * @example
 * ```ts ignore
 * parseDnrRule({ id: 1, condition: {}, action: { type: "block" } }, DNR_ENUM_VALUES);
 * ```
 */
export function parseDnrRule(rule: unknown, enums: DnrEnumValues): unknown {
  return parseSchemaValue(rule, dnrRuleSchema(enums));
}
