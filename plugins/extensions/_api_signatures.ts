/**
 * The signatures of the `chrome.runtime`, `chrome.i18n` and `chrome.permissions` functions whose
 * arguments the background Worker checks at the call with {@linkcode parseArguments}, as
 * Chromium 156's schemas have them (the signature text is what its messages quote).
 *
 * @module
 */
import { parseArguments, type SchemaParameter } from "./_chrome_arguments.ts";
import { optional, type SchemaObject } from "./_chrome_schema.ts";

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
