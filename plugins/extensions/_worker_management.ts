/**
 * The Worker's `chrome.management`: `getSelf` (answered here) and
 * `getPermissionWarningsByManifest` for every extension, as in Chrome; `get`, `getAll`,
 * `getPermissionWarningsById` and the events only with the `management` permission. A call whose
 * id or manifest is not a string throws Chrome's "No matching signature" where it is made.
 *
 * @module
 */
import { type DescribedExtension, extensionInfo } from "./_management_info.ts";

type Api = (
  method: string,
  local?: (...args: unknown[]) => unknown,
) => (...a: unknown[]) => unknown;

/**
 * `chrome.management` for the extension `self`; `api` makes a member that calls the session
 * (promise or callback form), `event` a Chrome event.
 *
 * @example
 * ```ts ignore
 * chrome.management = managementNamespace(init, api, event);
 * ```
 */
export function managementNamespace(
  self: DescribedExtension,
  api: Api,
  event: (name: string) => unknown,
): Record<string, unknown> {
  /** A member whose first parameter is a string, checked as Chrome's bindings check it. */
  const withString = (name: string, parameter: string) => {
    const call = api(`management.${name}`);
    return (...args: unknown[]) => {
      if (typeof args[0] !== "string") {
        throw new TypeError(
          `Error in invocation of management.${name}(string ${parameter}, optional function ` +
            "callback): No matching signature.",
        );
      }
      return call(...args);
    };
  };
  const management: Record<string, unknown> = {
    getSelf: api("management.getSelf", () => extensionInfo(self)),
    getPermissionWarningsByManifest: withString("getPermissionWarningsByManifest", "manifestStr"),
  };
  if (!self.permissions.includes("management")) return management;
  // every extension stays enabled: onEnabled and onDisabled never fire
  return {
    ...management,
    get: withString("get", "id"),
    getAll: api("management.getAll"),
    getPermissionWarningsById: withString("getPermissionWarningsById", "id"),
    onEnabled: event("management.onEnabled"),
    onDisabled: event("management.onDisabled"),
  };
}
