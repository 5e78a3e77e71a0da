/**
 * The permissions plugin: Electron's `ses.setPermissionRequestHandler`,
 * `ses.setPermissionCheckHandler` and `ses.setDevicePermissionHandler`, with Electron's
 * permission names and `details` objects, and the broker every capability asks before doing
 * something that needs a permission: `ses.permissions.request(permission, options)` (asynchronous,
 * the request handler) and `ses.permissions.check(permission, options)` (synchronous, the check
 * handler). Without a handler both grant, as in Electron. Device grants (what the serial, hid and
 * usb pickers remember) live here too, per partition, on disk for `persist:` partitions.
 *
 * Where Electron passes a `webContents`, websession passes a {@linkcode PermissionRequester}
 * (`{ type: "plugin" | "extension" | "page", id }`) when it knows who asks, and `null` otherwise.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * import { permissionsPlugin } from "./mod.ts";
 * const ses = session.fromPartition("permissions-doc", { plugins: [permissionsPlugin] });
 * ses.setPermissionCheckHandler((_webContents, permission, origin) =>
 *   permission !== "serial" || origin === "https://trusted.example"
 * );
 * ses.permissions.check("serial", { requestingOrigin: "https://other.example" }); // false
 * ```
 *
 * @module
 */

export type * from "../../kernel/mod.ts";
export { PermissionBroker } from "./broker.ts";
export type {
  BrokerDevice,
  PermissionCheckOptions,
  PermissionRequestOptions,
  RevokeListener,
} from "./broker.ts";
export { DeviceGrants } from "./device_grants.ts";
export { IsolatedDevices } from "./isolated_devices.ts";
export { pick } from "./picker.ts";
export type { DeviceRequestContext, PickerOptions } from "./picker.ts";
export type { DevicePluginOptions } from "./device_member.ts";
export type { DeviceGrant } from "./device_grants.ts";
export {
  APP_ORIGIN,
  CHECK_PERMISSIONS,
  isCheckPermission,
  isRequestPermission,
  originOf,
  REQUEST_PERMISSIONS,
} from "./names.ts";
export type {
  CheckPermission,
  DevicePermissionDetails,
  DevicePermissionHandler,
  DeviceType,
  PermissionCheckDetails,
  PermissionCheckHandler,
  PermissionRequestDetails,
  PermissionRequester,
  PermissionRequestHandler,
  RequestPermission,
} from "./names.ts";
export { type PermissionsMembers, permissionsPlugin } from "./plugin.ts";
