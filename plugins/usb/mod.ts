/**
 * The usb plugin: `ses.usb.requestDevice({ filters })` and `ses.usb.getDevices()` (WebUSB's names,
 * on the session), with Electron's `select-usb-device`, `usb-device-added`, `usb-device-removed`
 * and `usb-device-revoked` session events. It asks the permissions plugin: the `usb` check before
 * a picker, the device permission handler or the remembered grants in `getDevices()`. Devices
 * come from a USB adapter (`kernel/devices/usb.ts`): the `usb` package on Deno and Bun
 * (`adapters/usb/node_usb.ts`).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("usb-doc");
 * ses.on("select-usb-device", (event, details, callback) => {
 *   event.preventDefault();
 *   callback(details.deviceList[0]?.deviceId);
 * });
 * const device = await ses.usb.requestDevice({ filters: [] });
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { UsbAdapter } from "../../kernel/devices/usb.ts";
import type { PermissionsMembers } from "../permissions/mod.ts";
import { Usb } from "./usb.ts";
import type { UsbProtectedClassesHandler } from "./protected_classes.ts";

export type * from "../../kernel/mod.ts";
export type * from "../../kernel/devices/usb.ts";
export type { DeviceRequestContext } from "../permissions/picker.ts";
export { Usb } from "./usb.ts";
export {
  USB_CLASS_CODES,
  type UsbProtectedClass,
  type UsbProtectedClassesHandler,
  type UsbProtectedClassesHandlerDetails,
} from "./protected_classes.ts";
export type {
  ElectronUsbDevice,
  SelectUsbDeviceDetails,
  UsbDeviceFilter,
  UsbDeviceRequestOptions,
} from "./usb.ts";

/**
 * The session member the usb plugin adds.
 *
 * @example
 * ```ts ignore
 * const ses: UsbMembers = session.fromPartition("usb-members");
 * await ses.usb.getDevices();
 * ```
 */
export interface UsbMembers {
  /** WebUSB's `requestDevice` and `getDevices`, with Electron's picker events. */
  readonly usb: Usb;
  /**
   * Electron's: `handler({ protectedClasses })` returns the USB classes whose interfaces
   * `claimInterface()` refuses (default: all seven; `[]` allows all); `null` restores the default.
   */
  setUSBProtectedClassesHandler(handler: UsbProtectedClassesHandler | null): void;
}

/** Options of {@linkcode createUsbPlugin}. */
export interface UsbPluginOptions {
  /** Where devices come from. */
  adapter: UsbAdapter;
  /** How often devices are listed while a selection is open, in ms (default 200). */
  pollInterval?: number;
}

/**
 * Makes the usb plugin over an adapter.
 *
 * @example
 * ```ts
 * const plugin = createUsbPlugin({ adapter: { name: "none", list: async () => [] } });
 * plugin.manifest.api; // ["usb"]
 * ```
 */
export function createUsbPlugin(options: UsbPluginOptions): Plugin<UsbMembers> {
  return definePlugin<UsbMembers>({
    manifest,
    setup(ctx) {
      const broker = () => (ctx.session as unknown as PermissionsMembers).permissions;
      const usb = new Usb(ctx.session, broker, options.adapter, options.pollInterval);
      ctx.provide({
        usb,
        setUSBProtectedClassesHandler: (handler: UsbProtectedClassesHandler | null) =>
          usb.setProtectedClassesHandler(handler),
      });
    },
  });
}
