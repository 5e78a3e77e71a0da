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

export type * from "../../kernel/mod.ts";
export type * from "../../kernel/devices/usb.ts";
export type { DeviceRequestContext } from "../permissions/picker.ts";
export type { DevicePluginOptions } from "../permissions/device_member.ts";
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
export { createUsbPlugin } from "./plugin.ts";
export type { UsbApi, UsbMembers, UsbPluginOptions } from "./plugin.ts";
