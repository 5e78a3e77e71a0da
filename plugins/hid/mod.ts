/**
 * The hid plugin: `ses.hid.requestDevice({ filters })` and `ses.hid.getDevices()` (WebHID's
 * names, on the session), with Electron's `select-hid-device`, `hid-device-added`,
 * `hid-device-removed` and `hid-device-revoked` session events, and WebHID's `HIDDevice` with
 * `collections` parsed from the report descriptor. It asks the permissions plugin: the `hid`
 * check before a picker, the device permission handler or the remembered grants in
 * `getDevices()`. Devices come from a HID adapter (`kernel/devices/hid.ts`): node-hid on Deno and
 * Bun (`adapters/hid/node_hid.ts`), or a recorded device (`adapters/hid/recorded.ts`).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("hid-doc");
 * ses.on("select-hid-device", (event, details, callback) => {
 *   event.preventDefault();
 *   callback(details.deviceList[0]?.deviceId);
 * });
 * const [device] = await ses.hid.requestDevice({ filters: [{ usagePage: 0x01, usage: 0x06 }] });
 * ```
 *
 * @module
 */

export type * from "../../kernel/mod.ts";
export type * from "../../kernel/devices/hid.ts";
export type { DeviceRequestContext } from "../permissions/picker.ts";
export type { DevicePluginOptions } from "../permissions/device_member.ts";
export { Hid } from "./hid.ts";
export type {
  ElectronHidDevice,
  HidDeviceFilter,
  HidDeviceRequestOptions,
  SelectHidDeviceDetails,
} from "./hid.ts";
export { HIDDevice, HIDInputReportEvent } from "./hid_device.ts";
export { parseReportDescriptor, usesReportIds } from "./report_descriptor.ts";
export type {
  HidCollectionInfo,
  HidReportInfo,
  HidReportItem,
  HidUnitSystem,
} from "./report_descriptor.ts";
export { createHidPlugin } from "./plugin.ts";
export type { HidApi, HidMembers, HidPluginOptions } from "./plugin.ts";
