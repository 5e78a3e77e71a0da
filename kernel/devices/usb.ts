/**
 * The USB device contract: what a USB adapter (the `usb` package's WebUSB, `navigator.usb`) gives
 * the usb plugin. A device is already WebUSB-shaped; the plugin adds the picker and permissions.
 *
 * @module
 */

/** The WebUSB device fields the picker and the permission handlers see. */
export interface UsbDeviceLike {
  /** USB version. */
  usbVersionMajor: number;
  /** USB version. */
  usbVersionMinor: number;
  /** USB version. */
  usbVersionSubminor: number;
  /** Device class. */
  deviceClass: number;
  /** Device subclass. */
  deviceSubclass: number;
  /** Device protocol. */
  deviceProtocol: number;
  /** Vendor id. */
  vendorId: number;
  /** Product id. */
  productId: number;
  /** Device version. */
  deviceVersionMajor: number;
  /** Device version. */
  deviceVersionMinor: number;
  /** Device version. */
  deviceVersionSubminor: number;
  /** Manufacturer string, when the device has one. */
  manufacturerName?: string | null;
  /** Product string, when the device has one. */
  productName?: string | null;
  /** Serial number, when the device has one. */
  serialNumber?: string | null;
}

/** What the usb plugin needs from a runtime. */
export interface UsbAdapter {
  /** The adapter's name, for messages (e.g. `usb`). */
  readonly name: string;
  /** The devices present now (each also a WebUSB `USBDevice` on real adapters). */
  list(): Promise<UsbDeviceLike[]>;
}
