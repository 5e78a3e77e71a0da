/**
 * The `./hid` subpath for Deno and Bun: the hid plugin (`plugins/hid`) wired to node-hid
 * (`adapters/hid/node_hid.ts`), the recorded-device adapter (`adapters/hid/recorded.ts`), and the
 * kernel configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { BOOT_KEYBOARD_DESCRIPTOR, createHidPlugin, recordedHidAdapter } from "./hid.ts";
 * const adapter = recordedHidAdapter([{
 *   path: "recorded:kbd",
 *   productName: "Keyboard",
 *   vendorId: 1,
 *   productId: 2,
 *   reportDescriptor: BOOT_KEYBOARD_DESCRIPTOR,
 * }]);
 * const ses = session.fromPartition("entry-hid", { plugins: [createHidPlugin({ adapter })] });
 * ses.on("select-hid-device", (event, details, callback) => {
 *   event.preventDefault();
 *   callback(details.deviceList[0].deviceId);
 * });
 * const [keyboard] = await ses.hid.requestDevice({ filters: [{ usagePage: 1, usage: 6 }] });
 * keyboard.collections[0].usage; // 6
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/hid/mod.ts";
export { loadNodeHid, nodeHidAdapter } from "../adapters/hid/node_hid.ts";
export {
  BOOT_KEYBOARD_DESCRIPTOR,
  GAMEPAD_DESCRIPTOR,
  type RecordedHidAdapter,
  recordedHidAdapter,
  type RecordedHidDevice,
  type SentReport,
} from "../adapters/hid/recorded.ts";
export { hidPlugin } from "../presets/default.ts";
