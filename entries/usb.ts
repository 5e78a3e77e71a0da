/**
 * The `./usb` subpath for Deno and Bun: the usb plugin (`plugins/usb`) wired to the `usb` package
 * (`adapters/usb/node_usb.ts`), and the kernel configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { usbPlugin } from "./usb.ts";
 * const ses = session.fromPartition("entry-usb", { plugins: [usbPlugin] });
 * typeof ses.usb.requestDevice; // "function"
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/usb/mod.ts";
export { nodeUsbAdapter } from "../adapters/usb/node_usb.ts";
export { usbPlugin } from "../presets/default.ts";
