/**
 * Device adapters loaded on first use (issue #24): the presets hand the serial, hid and usb
 * plugins these wrappers, and the adapter's module (node-hid's or the tty code on Deno and Bun;
 * WebSerial with its WebUSB polyfill, WebHID, WebUSB in a page) is imported by the first `list` or
 * `open`, not when websession is imported.
 *
 * @module
 */
import type { SerialAdapter } from "../kernel/devices/serial.ts";
import type { HidAdapter } from "../kernel/devices/hid.ts";
import type { UsbAdapter } from "../kernel/devices/usb.ts";
import { onFirstUse } from "../kernel/lazy.ts";

/**
 * A serial adapter named `name` whose implementation `load` makes on first use.
 *
 * @example
 * ```ts
 * const adapter = lazySerialAdapter("posix-tty", async () =>
 *   (await import("./serial/posix.ts")).posixSerialAdapter());
 * adapter.name; // "posix-tty"
 * ```
 */
export function lazySerialAdapter(name: string, load: () => Promise<SerialAdapter>): SerialAdapter {
  const adapter = onFirstUse(`the ${name} serial adapter`, load);
  return {
    name,
    list: async () => await (await adapter()).list(),
    open: async (path, settings) => await (await adapter()).open(path, settings),
  };
}

/**
 * A hid adapter named `name` whose implementation `load` makes on first use.
 *
 * @example
 * ```ts
 * const adapter = lazyHidAdapter("node-hid", async () =>
 *   (await import("./hid/node_hid.ts")).nodeHidAdapter());
 * adapter.name; // "node-hid"
 * ```
 */
export function lazyHidAdapter(name: string, load: () => Promise<HidAdapter>): HidAdapter {
  const adapter = onFirstUse(`the ${name} hid adapter`, load);
  return {
    name,
    list: async () => await (await adapter()).list(),
    open: async (path) => await (await adapter()).open(path),
  };
}

/**
 * A usb adapter named `name` whose implementation `load` makes on first use.
 *
 * @example
 * ```ts
 * const adapter = lazyUsbAdapter("usb", async () =>
 *   (await import("./usb/node_usb.ts")).nodeUsbAdapter());
 * adapter.name; // "usb"
 * ```
 */
export function lazyUsbAdapter(name: string, load: () => Promise<UsbAdapter>): UsbAdapter {
  const adapter = onFirstUse(`the ${name} usb adapter`, load);
  return { name, list: async () => await (await adapter()).list() };
}
