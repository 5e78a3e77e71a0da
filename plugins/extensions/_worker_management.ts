/**
 * The Worker's `chrome.management`: `getSelf` (answered here), `getPermissionWarningsByManifest`
 * and `uninstallSelf` for every extension, as in Chrome; `get`, `getAll`,
 * `getPermissionWarningsById`, `setEnabled`, `uninstall` and the events (`onInstalled`,
 * `onUninstalled`, `onEnabled`, `onDisabled`) only with the `management` permission. A call whose
 * id or manifest is not a string throws Chrome's "No matching signature" where it is made.
 *
 * @module
 */
import { type DescribedExtension, extensionInfo } from "./_management_info.ts";
import type { Checked } from "./_worker_storage.ts";
import { checkApiCall } from "./_api_signatures.ts";

/**
 * `chrome.management` for the extension `self`; `member` makes a member that checks its arguments
 * at the call and calls the session (promise or callback form), `event` a Chrome event.
 *
 * @example
 * ```ts ignore
 * chrome.management = managementNamespace(init, checked, event);
 * ```
 */
export function managementNamespace(
  self: DescribedExtension,
  member: Checked,
  event: (name: string) => unknown,
): Record<string, unknown> {
  /** A member whose parameters are checked as Chrome's bindings check its `signature`. */
  const checked = (name: string, signature: string, matches: (args: unknown[]) => boolean) =>
    member(`management.${name}`, (given) => {
      if (!matches(given)) {
        throw new TypeError(
          `Error in invocation of management.${name}(${signature}): No matching signature.`,
        );
      }
    });
  /** A member whose one parameter is the callback (its signature in `_api_signatures.ts`). */
  const callbackOnly = (name: string, local?: (...args: unknown[]) => unknown) =>
    member(`management.${name}`, (given) => checkApiCall(`management.${name}`, given), local);
  /** A member whose one parameter is a string. */
  const withString = (name: string, parameter: string) =>
    checked(
      name,
      `string ${parameter}, optional function callback`,
      (args) => args.length === 1 && typeof args[0] === "string",
    );
  const isOptions = (value: unknown) =>
    value === undefined || (value !== null && typeof value === "object");
  const management: Record<string, unknown> = {
    getSelf: callbackOnly("getSelf", () => extensionInfo(self)),
    getPermissionWarningsByManifest: withString("getPermissionWarningsByManifest", "manifestStr"),
    uninstallSelf: checked(
      "uninstallSelf",
      "optional object options, optional function callback",
      (args) => args.length <= 1 && isOptions(args[0]),
    ),
  };
  if (!self.permissions.includes("management")) return management;
  return {
    ...management,
    get: withString("get", "id"),
    getAll: callbackOnly("getAll"),
    getPermissionWarningsById: withString("getPermissionWarningsById", "id"),
    setEnabled: checked(
      "setEnabled",
      "string id, boolean enabled, optional function callback",
      (args) => args.length === 2 && typeof args[0] === "string" && typeof args[1] === "boolean",
    ),
    uninstall: checked(
      "uninstall",
      "string id, optional object options, optional function callback",
      (args) => args.length <= 2 && typeof args[0] === "string" && isOptions(args[1]),
    ),
    onInstalled: event("management.onInstalled"),
    onUninstalled: event("management.onUninstalled"),
    onEnabled: event("management.onEnabled"),
    onDisabled: event("management.onDisabled"),
  };
}
