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
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { SerialAdapter } from "../../kernel/devices/serial.ts";
import type { PermissionsMembers } from "../permissions/mod.ts";
import { Serial } from "./serial.ts";

export type * from "../../kernel/mod.ts";
export type * from "../../kernel/devices/serial.ts";
export { Serial } from "./serial.ts";
export type { DeviceRequestContext } from "../permissions/picker.ts";
export type {
  ElectronSerialPort,
  SelectSerialPortCallback,
  SerialPortFilter,
  SerialPortRequestOptions,
} from "./serial.ts";
export { MAX_BUFFER_SIZE, parseSerialOptions, SerialPort } from "./serial_port.ts";
export type { SerialOptions, SerialPortInfo } from "./serial_port.ts";

/**
 * The session member the serial plugin adds.
 *
 * @example
 * ```ts ignore
 * const ses: SerialMembers = session.fromPartition("serial-members");
 * await ses.serial.getPorts();
 * ```
 */
export interface SerialMembers {
  /** Web Serial's `requestPort` and `getPorts`, with Electron's picker events. */
  readonly serial: Serial;
}

/** Options of {@linkcode createSerialPlugin}. */
export interface SerialPluginOptions {
  /** Where ports come from. */
  adapter: SerialAdapter;
  /** How often ports are listed while a selection is open, in ms (default 200). */
  pollInterval?: number;
}

/**
 * Makes the serial plugin over an adapter.
 *
 * @example
 * ```ts
 * const plugin = createSerialPlugin({
 *   adapter: { name: "none", list: async () => [], open: () => Promise.reject(new Error("none")) },
 * });
 * plugin.manifest.requires; // ["permissions"]
 * ```
 */
export function createSerialPlugin(options: SerialPluginOptions): Plugin<SerialMembers> {
  return definePlugin<SerialMembers>({
    manifest,
    setup(ctx) {
      const broker = () => (ctx.session as unknown as PermissionsMembers).permissions;
      ctx.provide({
        serial: new Serial(ctx.session, broker, options.adapter, options.pollInterval),
      });
    },
  });
}
