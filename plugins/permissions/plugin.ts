/**
 * The permissions plugin itself ({@linkcode permissionsPlugin}), apart from the classes and helpers
 * `mod.ts` also exports: what an isolated plugin's device calls need (`isolated_devices.ts`)
 * loads with the first such call (cold start, #24).
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
