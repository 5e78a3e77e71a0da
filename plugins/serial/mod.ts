/**
 * The serial plugin: `ses.serial.requestPort({ filters })` and `ses.serial.getPorts()` (Web
 * Serial's names, on the session because there is no `navigator` to hang them on), with
 * Electron's `select-serial-port`, `serial-port-added`, `serial-port-removed` and
 * `serial-port-revoked` session events, and Web Serial's `SerialPort`. It asks the permissions
 * plugin (`requires: ["permissions"]`): the `serial` check before a picker, the device permission
 * handler or the remembered grants in `getPorts()`. The ports come from a serial adapter
 * (`kernel/devices/serial.ts`); the entries hand in the runtime's (`adapters/serial/posix.ts` on
 * Deno and Bun).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("serial-doc");
 * ses.on("select-serial-port", (event, portList, _webContents, callback) => {
 *   event.preventDefault();
 *   callback(portList.find((p) => p.vendorId === "9025")?.portId ?? "");
 * });
 * const port = await ses.serial.requestPort({ filters: [{ usbVendorId: 9025 }] });
 * await port.open({ baudRate: 9600 });
 * ```
 *
 * @module
 */

export type * from "../../kernel/mod.ts";
export type * from "../../kernel/devices/serial.ts";
export { Serial } from "./serial.ts";
export type { DeviceRequestContext } from "../permissions/picker.ts";
export type { DevicePluginOptions } from "../permissions/device_member.ts";
export type {
  ElectronSerialPort,
  SelectSerialPortCallback,
  SerialPortFilter,
  SerialPortRequestOptions,
} from "./serial.ts";
export { MAX_BUFFER_SIZE, parseSerialOptions, SerialPort } from "./serial_port.ts";
export type { SerialOptions, SerialPortInfo } from "./serial_port.ts";
export { createSerialPlugin } from "./plugin.ts";
export type { SerialApi, SerialMembers, SerialPluginOptions } from "./plugin.ts";
