/**
 * The USB adapter of pages: the browser's WebUSB (`navigator.usb`). The devices listed are the
 * ones the browser already lets the page use (`getDevices()`: the browser's own permission comes
 * first; websession's picker and permission handlers come on top of it); each is the browser's
 * own `USBDevice`.
 *
 * @example
 * ```ts ignore
 * const adapter = webUsbAdapter(() => navigator.usb);
 * const devices = await adapter.list();
 * ```
 *
 * @module
 */
import type { UsbAdapter, UsbDeviceLike } from "../../kernel/devices/usb.ts";

/** The part of WebUSB's `USB` (`navigator.usb`) the adapter uses. */
export interface WebUsbApiLike {
  /** The devices the page may use. */
  getDevices(): Promise<UsbDeviceLike[]>;
}

/**
 * Makes the adapter over `usb()` (asked on each use).
 *
 * @example
 * ```ts
 * const adapter = webUsbAdapter(() => undefined);
 * adapter.name; // "webusb"
 * ```
 */
export function webUsbAdapter(usb: () => WebUsbApiLike | undefined): UsbAdapter {
  return {
    name: "webusb",
    list() {
      const api = usb();
      if (!api) return Promise.reject(new Error("this browser has no WebUSB (navigator.usb)"));
      return api.getDevices();
    },
  };
}
