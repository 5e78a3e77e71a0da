/**
 * `ses.usb`: WebUSB's `requestDevice({ filters })` and `getDevices()` for a session, with
 * Electron's flow: `requestDevice` checks the `usb` permission, then emits `select-usb-device`
 * `(event, details, callback)` with `details.deviceList` (Electron's `USBDevice` objects: the
 * WebUSB fields and a `deviceId`) and `details.frame` (null); `event.preventDefault()` and
 * `callback(deviceId)` choose, `callback()` cancels (a `NotFoundError`, as WebUSB's). While the
 * selection is open, `usb-device-added` and `usb-device-removed` `(event, { device, frame })`
 * follow the adapter; `device.forget()` emits `usb-device-revoked` `(event, { device, origin })`.
 * The device returned is the adapter's WebUSB `USBDevice` itself.
 *
 * @module
 */
import type { Session } from "../../kernel/session.ts";
import type { UsbAdapter, UsbDeviceLike } from "../../kernel/devices/usb.ts";
import type { BrokerDevice, PermissionBroker } from "../permissions/broker.ts";
import type { LazyBroker } from "../permissions/lazy_broker.ts";
import { APP_ORIGIN } from "../permissions/names.ts";
import { type DeviceRequestContext, pick } from "../permissions/picker.ts";
import {
  isProtectedInterface,
  protectedClassCodes,
  type UsbInterfacesLike,
  type UsbProtectedClassesHandler,
} from "./protected_classes.ts";

/** WebUSB's `USBDeviceFilter`. */
export interface UsbDeviceFilter {
  /** Vendor id. */
  vendorId?: number;
  /** Product id (needs `vendorId`). */
  productId?: number;
  /** Device or interface class. */
  classCode?: number;
  /** Subclass (needs `classCode`). */
  subclassCode?: number;
  /** Protocol (needs `subclassCode`). */
  protocolCode?: number;
  /** Serial number. */
  serialNumber?: string;
}

/** WebUSB's `USBDeviceRequestOptions`. */
export interface UsbDeviceRequestOptions {
  /** Devices matching any filter are listed (an empty list: all devices). */
  filters: UsbDeviceFilter[];
  /** Devices matching any of these are left out. */
  exclusionFilters?: UsbDeviceFilter[];
}

/** Electron's `USBDevice` structure: a device as `select-usb-device` lists it. */
export interface ElectronUsbDevice extends UsbDeviceLike {
  /** The id to pass to the callback. */
  deviceId: string;
}

/** The `details` of `select-usb-device`. */
export interface SelectUsbDeviceDetails {
  /** The devices to choose from. */
  deviceList: ElectronUsbDevice[];
  /** Always null: websession has no frames. */
  frame: null;
}

const FIELDS = [
  "usbVersionMajor",
  "usbVersionMinor",
  "usbVersionSubminor",
  "deviceClass",
  "deviceSubclass",
  "deviceProtocol",
  "vendorId",
  "productId",
  "deviceVersionMajor",
  "deviceVersionMinor",
  "deviceVersionSubminor",
  "manufacturerName",
  "productName",
  "serialNumber",
] as const;

function requestError(message: string): TypeError {
  return new TypeError(`Failed to execute 'requestDevice' on 'USB': ${message}`);
}

function checkFilter(filter: UsbDeviceFilter | undefined): void {
  const f = filter ?? {};
  if (f.productId !== undefined && f.vendorId === undefined) {
    throw requestError("A filter containing a productId must also contain a vendorId.");
  }
  if (f.subclassCode !== undefined && f.classCode === undefined) {
    throw requestError("A filter containing a subclassCode must also contain a classCode.");
  }
  if (f.protocolCode !== undefined && f.subclassCode === undefined) {
    throw requestError("A filter containing a protocolCode must also contain a subclassCode.");
  }
}

function matches(d: UsbDeviceLike, f: UsbDeviceFilter): boolean {
  return (f.vendorId === undefined || f.vendorId === d.vendorId) &&
    (f.productId === undefined || f.productId === d.productId) &&
    (f.classCode === undefined || f.classCode === d.deviceClass) &&
    (f.subclassCode === undefined || f.subclassCode === d.deviceSubclass) &&
    (f.protocolCode === undefined || f.protocolCode === d.deviceProtocol) &&
    (f.serialNumber === undefined || f.serialNumber === d.serialNumber);
}

/**
 * A session's WebUSB API.
 *
 * @example
 * ```ts ignore
 * ses.on("select-usb-device", (event, details, callback) => {
 *   event.preventDefault();
 *   callback(details.deviceList[0]?.deviceId);
 * });
 * const device = await ses.usb.requestDevice({ filters: [{ vendorId: 0x2341 }] });
 * ```
 */
export class Usb {
  #session: Session;
  #lazyBroker: LazyBroker;
  #adapter: UsbAdapter;
  #ids = new WeakMap<UsbDeviceLike, string>();
  #pollInterval: number;
  #protectedClasses: () => UsbProtectedClassesHandler | null;

  /** @internal Made by the usb plugin. */
  constructor(
    session: Session,
    broker: LazyBroker,
    adapter: UsbAdapter,
    pollInterval = 200,
    protectedClasses: () => UsbProtectedClassesHandler | null = () => null,
  ) {
    this.#session = session;
    this.#adapter = adapter;
    this.#pollInterval = pollInterval;
    this.#protectedClasses = protectedClasses;
    this.#lazyBroker = broker;
  }

  /** The session's permission broker, looked up on first use (see {@linkcode LazyBroker}). */
  get #broker(): PermissionBroker {
    return this.#lazyBroker.get();
  }

  /**
   * Asks the application to choose a device (`select-usb-device`); resolves with it. Rejects with
   * a `NotFoundError` when nothing is chosen, a `SecurityError` when the `usb` permission check
   * denies, and a `NotSupportedError` naming the cause when the adapter cannot list devices.
   */
  async requestDevice(
    options: UsbDeviceRequestOptions,
    context: DeviceRequestContext = {},
  ): Promise<UsbDeviceLike> {
    if (options === null || typeof options !== "object" || !Array.isArray(options.filters)) {
      throw requestError(
        "Failed to read the 'filters' property from 'USBDeviceRequestOptions': Required member is undefined.",
      );
    }
    options.filters.forEach(checkFilter);
    const exclusions = options.exclusionFilters ?? [];
    exclusions.forEach(checkFilter);
    const origin = context.origin ?? APP_ORIGIN;
    const requester = context.requester ?? null;
    await this.#broker.ready;
    if (!this.#broker.check("usb", { requestingOrigin: origin, requester })) {
      throw new DOMException(
        "Failed to execute 'requestDevice' on 'USB': Access denied.",
        "SecurityError",
      );
    }
    const chosen = await pick<UsbDeviceLike>({
      list: async () =>
        (await this.#list()).filter((d) =>
          (options.filters.length === 0 || options.filters.some((f) => matches(d, f))) &&
          !exclusions.some((f) => matches(d, f))
        ),
      identity: (d) => this.#idOf(d),
      idOf: (d) => this.#idOf(d),
      select: (devices, callback) =>
        this.#session.emit(
          "select-usb-device",
          { deviceList: devices.map((d) => this.#electronDevice(d)), frame: null },
          callback,
        ).defaultPrevented,
      added: (d) =>
        this.#session.emit("usb-device-added", { device: this.#electronDevice(d), frame: null }),
      removed: (d) =>
        this.#session.emit("usb-device-removed", { device: this.#electronDevice(d), frame: null }),
      report: (error) => this.#session.emit("hook-error", error, null),
      pollInterval: this.#pollInterval,
    });
    if (chosen === null) {
      throw new DOMException(
        "Failed to execute 'requestDevice' on 'USB': No device selected.",
        "NotFoundError",
      );
    }
    this.#broker.grantDevice(origin, this.#brokerDevice(chosen));
    return this.#handedOut(chosen, origin);
  }

  /** The devices present that the origin may use (its grants, or the device permission handler). */
  async getDevices(context: DeviceRequestContext = {}): Promise<UsbDeviceLike[]> {
    const origin = context.origin ?? APP_ORIGIN;
    await this.#broker.ready;
    const devices = await this.#list();
    return this.#broker.allowedAmong("usb", origin, devices, (d) => this.#brokerDevice(d))
      .map((d) => this.#handedOut(d, origin));
  }

  async #list(): Promise<UsbDeviceLike[]> {
    try {
      return await this.#adapter.list();
    } catch (error) {
      throw new DOMException(
        `WebUSB is not available through the ${this.#adapter.name} adapter: ${
          (error as Error).message
        }`,
        "NotSupportedError",
      );
    }
  }

  /** The picker id: stable per device object, and per vendor, product and serial number. */
  #idOf(device: UsbDeviceLike): string {
    let id = this.#ids.get(device);
    if (id === undefined) {
      id = device.serialNumber
        ? `${device.vendorId}:${device.productId}:${device.serialNumber}`
        : crypto.randomUUID();
      this.#ids.set(device, id);
    }
    return id;
  }

  #electronDevice(device: UsbDeviceLike): ElectronUsbDevice {
    const result = { deviceId: this.#idOf(device) } as ElectronUsbDevice;
    const out = result as unknown as Record<string, unknown>;
    for (const field of FIELDS) {
      const value = device[field];
      if (value !== undefined && value !== null) out[field] = value;
    }
    return result;
  }

  #brokerDevice(device: UsbDeviceLike): BrokerDevice {
    return {
      deviceType: "usb",
      key: this.#idOf(device),
      device: this.#electronDevice(device) as unknown as Record<string, unknown>,
      // As Chromium: a device without a serial number is granted only while it is there.
      persistent: Boolean(device.serialNumber),
    };
  }

  /**
   * The device as the session hands it out: its `forget()` also revokes the origin's grant
   * (`usb-device-revoked`), and its `claimInterface()` refuses a protected class.
   */
  #handedOut(device: UsbDeviceLike, origin: string): UsbDeviceLike {
    const proto = Object.getPrototypeOf(device) as Record<string, unknown> | null;
    const forget = proto?.forget as (() => Promise<void>) | undefined;
    const claim = proto?.claimInterface as ((n: number) => Promise<void>) | undefined;
    Object.defineProperty(device, "forget", {
      configurable: true,
      value: async () => {
        if (typeof forget === "function") await forget.call(device);
        this.#broker.forgetDevice(origin, this.#brokerDevice(device));
      },
    });
    if (typeof claim !== "function") return device;
    Object.defineProperty(device, "claimInterface", {
      configurable: true,
      value: (interfaceNumber: number) => {
        const codes = protectedClassCodes(
          this.#protectedClasses(),
          (error) => this.#session.reportError(error),
        );
        if (isProtectedInterface(device as UsbInterfacesLike, interfaceNumber, codes)) {
          return Promise.reject(
            new DOMException(
              "Failed to execute 'claimInterface' on 'USBDevice': The requested interface implements a protected class.",
              "SecurityError",
            ),
          );
        }
        return claim.call(device, interfaceNumber);
      },
    });
    return device;
  }
}
