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
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { PermissionBroker } from "./broker.ts";
import { DeviceGrants } from "./device_grants.ts";
import type {
  DevicePermissionHandler,
  PermissionCheckHandler,
  PermissionRequestHandler,
} from "./names.ts";

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

/**
 * The session members the permissions plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("permissions-members", { plugins: [permissionsPlugin] });
 * const members: PermissionsMembers = ses;
 * members.setPermissionRequestHandler(null);
 * ```
 */
export interface PermissionsMembers {
  /** Electron's `ses.setPermissionRequestHandler(handler | null)`. */
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  /** Electron's `ses.setPermissionCheckHandler(handler | null)`. */
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void;
  /** Electron's `ses.setDevicePermissionHandler(handler | null)`. */
  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void;
  /** The broker: `request`, `check`, and the device grants. */
  readonly permissions: PermissionBroker;
}

/**
 * The permissions plugin.
 *
 * @example
 * ```ts
 * permissionsPlugin.manifest.provides; // ["permissions"]
 * ```
 */
export const permissionsPlugin: Plugin<PermissionsMembers> = definePlugin<PermissionsMembers>({
  manifest,
  setup(ctx) {
    const report = (error: unknown) => ctx.report(error, "permissions");
    const grants = new DeviceGrants(ctx.session.isPersistent() ? ctx.store : null, report);
    const loading = grants.load().catch(report);
    const broker = new PermissionBroker(grants, report, loading, ctx.session);
    ctx.onFlush(() => grants.flush());
    ctx.provide({
      setPermissionRequestHandler: (handler: PermissionRequestHandler | null) =>
        broker.setPermissionRequestHandler(handler),
      setPermissionCheckHandler: (handler: PermissionCheckHandler | null) =>
        broker.setPermissionCheckHandler(handler),
      setDevicePermissionHandler: (handler: DevicePermissionHandler | null) =>
        broker.setDevicePermissionHandler(handler),
      permissions: broker,
    });
    ctx.onTeardown(() => grants.flush());
    return loading;
  },
});
