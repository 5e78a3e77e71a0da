/**
 * Web Serial for browsers without `navigator.serial`: web-serial-polyfill's `SerialPort` (the
 * USB CDC-ACM protocol over WebUSB) around each device `navigator.usb.getDevices()` lists that
 * has a CDC control interface and a data interface. The same `USBDevice` keeps the same port.
 *
 * @example
 * ```ts ignore
 * const adapter = webSerialAdapter(() => navigator.serial ?? usbCdcAcmSerial(() => navigator.usb));
 * ```
 *
 * @module
 */
import { SerialPort as PolyfillSerialPort } from "web-serial-polyfill";
import type { WebSerialLike, WebSerialPortLike } from "./web_serial.ts";

/** The part of WebUSB's `USB` (`navigator.usb`) the polyfill path uses. */
export interface WebUsbLike {
  /** The devices the page may use. */
  getDevices(): Promise<object[]>;
}

/**
 * Makes a Web Serial `getPorts()` over WebUSB CDC-ACM devices.
 *
 * @example
 * ```ts
 * const serial = usbCdcAcmSerial(() => ({ getDevices: () => Promise.resolve([]) }));
 * await serial.getPorts(); // []
 * ```
 */
export function usbCdcAcmSerial(usb: () => WebUsbLike | undefined): WebSerialLike {
  const ports = new WeakMap<object, WebSerialPortLike | null>();
  return {
    async getPorts() {
      const api = usb();
      if (!api) throw new Error("This browser has neither Web Serial nor WebUSB");
      const found: WebSerialPortLike[] = [];
      for (const device of await api.getDevices()) {
        let port = ports.get(device);
        if (port === undefined) {
          try {
            // deno-lint-ignore no-explicit-any
            port = new PolyfillSerialPort(device as any) as unknown as WebSerialPortLike;
          } catch {
            port = null; // not a CDC-ACM device
          }
          ports.set(device, port);
        }
        if (port) found.push(port);
      }
      return found;
    },
  };
}
