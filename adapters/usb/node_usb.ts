/**
 * The USB adapter of Deno and Bun: the `usb` package (3.x, Rust over the kernel's usbfs; it loads
 * on both runtimes here), whose `WebUSB` class lists WebUSB-shaped `USBDevice` objects. A machine
 * without a USB bus (no `/sys/bus/usb/devices`, as in containers) has no devices: `list()`
 * resolves with `[]`. When the package cannot load, `list()` rejects saying why, and the usb
 * plugin turns that into a `NotSupportedError` at `requestDevice`.
 *
 * @example
 * ```ts ignore
 * const devices = await nodeUsbAdapter().list();
 * ```
 *
 * @module
 */
import { builtin } from "../_builtin.ts";
import type { UsbAdapter, UsbDeviceLike } from "../../kernel/devices/usb.ts";
import { detectRuntime } from "../../kernel/contracts.ts";

interface WebUsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
}

let loaded: WebUsbLike | Error | null = null;

function webUsb(): WebUsbLike {
  if (!loaded) {
    try {
      const usb = builtin("node:module").createRequire(import.meta.url)("usb") as {
        WebUSB: new (options: { allowAllDevices: boolean }) => WebUsbLike;
      };
      loaded = new usb.WebUSB({ allowAllDevices: true });
    } catch (error) {
      loaded = new Error(
        `the usb package could not be loaded on ${detectRuntime()}: ${(error as Error).message}`,
      );
    }
  }
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

/**
 * Makes the `usb` package adapter.
 *
 * @example
 * ```ts
 * nodeUsbAdapter().name; // "usb"
 * ```
 */
export function nodeUsbAdapter(): UsbAdapter {
  return {
    name: "usb",
    async list() {
      const usb = webUsb();
      try {
        return await usb.getDevices();
      } catch (error) {
        // No USB bus at all: no devices (the package reports the missing sysfs folder).
        if (/\/sys\/bus\/usb\/devices\/? not found/.test(String((error as Error).message))) {
          return [];
        }
        throw error;
      }
    },
  };
}
