/**
 * The device contracts: serial, HID and USB adapters, which the device plugins take and the
 * entries choose per runtime.
 *
 * @module
 */
export type * from "./serial.ts";
export type * from "./hid.ts";
export type * from "./usb.ts";
