/**
 * WebUSB's protected interface classes, as Electron's `ses.setUSBProtectedClassesHandler` names
 * them: `claimInterface()` on an interface of a protected class (any of its alternates) rejects
 * with a `SecurityError`, as in Chromium. The handler gets the default list and returns the list
 * that applies; an empty list allows every class.
 *
 * @module
 */

/** A USB class name Electron's handler uses. */
export type UsbProtectedClass =
  | "audio"
  | "audio-video"
  | "hid"
  | "mass-storage"
  | "smart-card"
  | "video"
  | "wireless";

/** What `setUSBProtectedClassesHandler`'s handler receives. */
export interface UsbProtectedClassesHandlerDetails {
  /** The classes protected by default (Chromium's list). */
  protectedClasses: UsbProtectedClass[];
}

/** Electron's handler: returns the classes to protect. */
export type UsbProtectedClassesHandler = (
  details: UsbProtectedClassesHandlerDetails,
) => UsbProtectedClass[];

/**
 * The USB-IF class code of each name (audio 0x01, HID 0x03, mass storage 0x08, smart card 0x0b,
 * video 0x0e, audio/video 0x10, wireless controller 0xe0), in Chromium's default order.
 * @example
 * ```ts
 * USB_CLASS_CODES.hid; // 3
 * ```
 */
export const USB_CLASS_CODES: Readonly<Record<UsbProtectedClass, number>> = Object.freeze({
  "audio": 0x01,
  "audio-video": 0x10,
  "hid": 0x03,
  "mass-storage": 0x08,
  "smart-card": 0x0b,
  "video": 0x0e,
  "wireless": 0xe0,
});

/** The part of a WebUSB `USBDevice` the check reads. */
export interface UsbInterfacesLike {
  /** The current configuration, with its interfaces and their alternates. */
  configuration?: {
    interfaces: readonly {
      interfaceNumber: number;
      alternates: readonly { interfaceClass: number }[];
    }[];
  } | null;
}

/**
 * The class codes to protect: the handler's answer (unknown names left out), else the default.
 * A handler that throws or answers something else than an array keeps the default, and the error
 * goes to `report`.
 * @example
 * ```ts
 * protectedClassCodes(null, () => {}).has(0x03); // true
 * protectedClassCodes(() => [], () => {}).size; // 0
 * ```
 */
export function protectedClassCodes(
  handler: UsbProtectedClassesHandler | null,
  report: (error: unknown) => void,
): Set<number> {
  const defaults = Object.keys(USB_CLASS_CODES) as UsbProtectedClass[];
  let names: readonly string[] = defaults;
  if (handler) {
    try {
      const answer = handler({ protectedClasses: [...defaults] });
      if (!Array.isArray(answer)) {
        throw new TypeError("setUSBProtectedClassesHandler: the handler must return an array");
      }
      names = answer;
    } catch (error) {
      report(error);
    }
  }
  const codes = new Set<number>();
  for (const name of names) {
    if (Object.hasOwn(USB_CLASS_CODES, name)) codes.add(USB_CLASS_CODES[name as UsbProtectedClass]);
  }
  return codes;
}

/**
 * Whether interface `interfaceNumber` of the device's current configuration has an alternate of
 * a class in `codes` (an interface the device does not list is left to the device to refuse).
 * @example
 * ```ts
 * const device = { configuration: { interfaces: [{ interfaceNumber: 0, alternates: [{ interfaceClass: 3 }] }] } };
 * isProtectedInterface(device, 0, new Set([3])); // true
 * ```
 */
export function isProtectedInterface(
  device: UsbInterfacesLike,
  interfaceNumber: number,
  codes: ReadonlySet<number>,
): boolean {
  const found = device.configuration?.interfaces.find((i) => i.interfaceNumber === interfaceNumber);
  return found?.alternates.some((a) => codes.has(a.interfaceClass)) ?? false;
}
