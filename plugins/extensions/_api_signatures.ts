/**
 * The signatures of the `chrome.runtime`, `chrome.i18n`, `chrome.permissions`, `chrome.tabs` and
 * other functions whose arguments the background Worker checks at the call with
 * {@linkcode parseArguments}, as Chromium 156's schemas have them (the signature text is what its
 * messages quote).
 *
 * @module
 */
import { parseArguments, type SchemaParameter } from "./_chrome_arguments.ts";
import { optional, required, type SchemaObject } from "./_chrome_schema.ts";

const PERMISSIONS: SchemaObject = {
  name: "permissions.Permissions",
  properties: {
    permissions: optional({ items: "string" }),
    origins: optional({ items: "string" }),
  },
};
const permissionsCall = (op: string) => ({
  signature: `permissions.${op}(permissions.Permissions permissions, optional function callback)`,
  parameters: [{ name: "permissions", type: PERMISSIONS }],
});

const enumOf = (name: string, values: readonly string[]) => ({ name, values });
const strings = { items: "string" } as const;
const integers = { items: "integer" } as const;
const QUERY_INFO: SchemaObject = {
  name: "object",
  properties: {
    active: optional("boolean"),
    pinned: optional("boolean"),
    audible: optional("boolean"),
    autoDiscardable: optional("boolean"),
    muted: optional("boolean"),
    highlighted: optional("boolean"),
    discarded: optional("boolean"),
    frozen: optional("boolean"),
    currentWindow: optional("boolean"),
    lastFocusedWindow: optional("boolean"),
    status: optional(enumOf("tabs.TabStatus", ["unloaded", "loading", "complete"])),
    title: optional("string"),
    url: optional({ name: "[string|array]", choices: ["string", strings] }),
    groupId: optional("integer"),
    splitViewId: optional("integer"),
    windowId: optional("integer"),
    windowType: optional(
      enumOf("tabs.WindowType", ["normal", "popup", "panel", "app", "devtools", "custom-tab"]),
    ),
    index: optional("integer"),
  },
};
const CONTEXT_FILTER: SchemaObject = {
  name: "runtime.ContextFilter",
  properties: {
    contextTypes: optional({
      items: enumOf("runtime.ContextType", [
        "TAB",
        "POPUP",
        "BACKGROUND",
        "OFFSCREEN_DOCUMENT",
        "SIDE_PANEL",
        "DEVELOPER_TOOLS",
      ]),
    }),
    contextIds: optional(strings),
    tabIds: optional(integers),
    windowIds: optional(integers),
    documentIds: optional(strings),
    frameIds: optional(integers),
    documentUrls: optional(strings),
    documentOrigins: optional(strings),
    incognito: optional("boolean"),
  },
};
/**
 * `storage.AccessLevel`'s values, in the schema's order (also `chrome.storage.AccessLevel`).
 *
 * @example
 * ```ts
 * ACCESS_LEVELS[0]; // "TRUSTED_CONTEXTS"
 * ```
 */
export const ACCESS_LEVELS: readonly string[] = [
  "TRUSTED_CONTEXTS",
  "TRUSTED_AND_UNTRUSTED_CONTEXTS",
];
const ACCESS_OPTIONS: SchemaObject = {
  name: "object",
  properties: { accessLevel: required(enumOf("storage.AccessLevel", ACCESS_LEVELS)) },
};
const tabId = { minimum: 0 } as const;
const CREATE_PROPERTIES: SchemaObject = {
  name: "object",
  properties: {
    windowId: optional("integer"),
    index: optional(tabId),
    url: optional("string"),
    active: optional("boolean"),
    selected: optional("boolean"),
    pinned: optional("boolean"),
    openerTabId: optional(tabId),
  },
};
const UPDATE_PROPERTIES: SchemaObject = {
  name: "object",
  properties: {
    url: optional("string"),
    active: optional("boolean"),
    highlighted: optional("boolean"),
    selected: optional("boolean"),
    pinned: optional("boolean"),
    muted: optional("boolean"),
    openerTabId: optional(tabId),
    autoDiscardable: optional("boolean"),
  },
};
const SEND_OPTIONS: SchemaObject = {
  name: "object",
  properties: { frameId: optional(tabId), documentId: optional("string") },
};
/** A function whose one parameter is the callback (or, with `sync`, that takes none). */
const callbackOnly = (name: string, sync = false) => ({
  signature: `${name}(${sync ? "" : "optional function callback"})`,
  parameters: [],
});

/** Each checked function: its signature as Chrome's messages quote it, and its parameters. */
const FUNCTIONS: Readonly<
  Record<string, { signature: string; parameters: readonly SchemaParameter[] }>
> = {
  "runtime.getURL": {
    signature: "runtime.getURL(string path)",
    parameters: [{ name: "path", type: "string" }],
  },
  "runtime.setUninstallURL": {
    signature: "runtime.setUninstallURL(string url, optional function callback)",
    parameters: [{ name: "url", type: "string" }],
  },
  "i18n.getMessage": {
    signature: "i18n.getMessage(string messageName, optional any substitutions, optional object " +
      "options)",
    parameters: [
      { name: "messageName", type: "string" },
      { name: "substitutions", type: "any", optional: true },
      {
        name: "options",
        type: { name: "object", properties: { escapeLt: optional("boolean") } },
        optional: true,
      },
    ],
  },
  "permissions.getAll": {
    signature: "permissions.getAll(optional function callback)",
    parameters: [],
  },
  "permissions.contains": permissionsCall("contains"),
  "tabs.query": {
    signature: "tabs.query(object queryInfo, optional function callback)",
    parameters: [{ name: "queryInfo", type: QUERY_INFO }],
  },
  "tabs.get": {
    signature: "tabs.get(integer tabId, optional function callback)",
    parameters: [{ name: "tabId", type: tabId }],
  },
  "tabs.create": {
    signature: "tabs.create(object createProperties, optional function callback)",
    parameters: [{ name: "createProperties", type: CREATE_PROPERTIES }],
  },
  "tabs.update": {
    signature: "tabs.update(optional integer tabId, object updateProperties, optional function " +
      "callback)",
    parameters: [
      { name: "tabId", type: tabId, optional: true },
      { name: "updateProperties", type: UPDATE_PROPERTIES },
    ],
  },
  "tabs.remove": {
    signature: "tabs.remove([integer|array] tabIds, optional function callback)",
    parameters: [{
      name: "tabIds",
      type: { name: "[integer|array]", choices: [tabId, { items: tabId }] },
    }],
  },
  "tabs.sendMessage": {
    signature: "tabs.sendMessage(integer tabId, any message, optional object options, optional " +
      "function callback)",
    parameters: [
      { name: "tabId", type: tabId },
      { name: "message", type: "any" },
      { name: "options", type: SEND_OPTIONS, optional: true },
    ],
  },
  "runtime.getContexts": {
    signature: "runtime.getContexts(runtime.ContextFilter filter, optional function callback)",
    parameters: [{ name: "filter", type: CONTEXT_FILTER }],
  },
  "storage.setAccessLevel": {
    signature: "storage.setAccessLevel(object accessOptions, optional function callback)",
    parameters: [{ name: "accessOptions", type: ACCESS_OPTIONS }],
  },
  "i18n.getUILanguage": callbackOnly("i18n.getUILanguage", true),
  "management.getSelf": callbackOnly("management.getSelf"),
  "management.getAll": callbackOnly("management.getAll"),
  "i18n.getAcceptLanguages": callbackOnly("i18n.getAcceptLanguages"),
  "runtime.openOptionsPage": callbackOnly("runtime.openOptionsPage"),
  "runtime.getPlatformInfo": callbackOnly("runtime.getPlatformInfo"),
  "webRequest.handlerBehaviorChanged": callbackOnly("webRequest.handlerBehaviorChanged"),
  "permissions.request": permissionsCall("request"),
  "permissions.remove": permissionsCall("remove"),
};

/**
 * Throws what Chromium 156's bindings throw at the call `<name>(...given)` (`given` without the
 * callback, or the `null` or `undefined` in its place) when its arguments are off the schema.
 *
 * @example
 * ```ts
 * checkApiCall("runtime.getURL", ["options.html"]); // fine
 * checkApiCall("permissions.contains", [1]); // throws: ... No matching signature.
 * ```
 */
export function checkApiCall(name: string, given: readonly unknown[]): void {
  const { signature, parameters } = FUNCTIONS[name];
  parseArguments(signature, parameters, given);
}
