/**
 * `ses.hid`: WebHID's `requestDevice({ filters })` and `getDevices()` for a session, with
 * Electron's flow: `requestDevice` checks the `hid` permission, then emits `select-hid-device`
 * `(event, details, callback)` with `details.deviceList` (Electron's `HIDDevice` objects) and
 * `details.frame` (null: websession has no frames); `event.preventDefault()` and
 * `callback(deviceId)` choose, `callback()` cancels (the promise resolves with `[]`, as WebHID's
 * does). While the selection is open, `hid-device-added` and `hid-device-removed`
 * `(event, { device, frame })` follow the adapter; `device.forget()` emits `hid-device-revoked`
 * `(event, { device, origin, frame })`.
 *
 * @module
 */
import type { Session } from "../../kernel/session.ts";
import type { HidAdapter, HidDeviceDescriptor } from "../../kernel/devices/hid.ts";
import type { BrokerDevice, PermissionBroker } from "../permissions/broker.ts";
import type { LazyBroker } from "../permissions/lazy_broker.ts";
import { APP_ORIGIN } from "../permissions/names.ts";
import { type DeviceRequestContext, pick } from "../permissions/picker.ts";
import { HIDDevice } from "./hid_device.ts";
import { type HidCollectionInfo, parseReportDescriptor } from "./report_descriptor.ts";

/** WebHID's `HIDDeviceFilter`. */
export interface HidDeviceFilter {
  /** USB vendor id. */
  vendorId?: number;
  /** USB product id (needs `vendorId`). */
  productId?: number;
  /** A top-level collection's usage page. */
  usagePage?: number;
  /** A top-level collection's usage (needs `usagePage`). */
  usage?: number;
}

/** WebHID's `HIDDeviceRequestOptions`. */
export interface HidDeviceRequestOptions {
  /** Devices matching any filter are listed (an empty list: all devices). */
  filters: HidDeviceFilter[];
  /** Devices matching any of these are left out. */
  exclusionFilters?: HidDeviceFilter[];
}

/** Electron's `HIDDevice` structure: a device as `select-hid-device` lists it. */
export interface ElectronHidDevice {
  /** The id to pass to the callback. */
  deviceId: string;
  /** The product name. */
  name: string;
  /** USB vendor id. */
  vendorId: number;
  /** USB product id. */
  productId: number;
  /** Serial number, when known. */
  serialNumber?: string;
  /** The HID interface's own unique id (a device may have several interfaces). */
  guid?: string;
  /** The top-level collections. */
  collections: HidCollectionInfo[];
}

/** The `details` of `select-hid-device`. */
export interface SelectHidDeviceDetails {
  /** The devices to choose from. */
  deviceList: ElectronHidDevice[];
  /** Always null: websession has no frames. */
  frame: null;
}

function requestError(message: string): TypeError {
  return new TypeError(`Failed to execute 'requestDevice' on 'HID': ${message}`);
}

function checkFilter(filter: HidDeviceFilter | undefined): HidDeviceFilter {
  const f = filter ?? {};
  if (f.productId !== undefined && f.vendorId === undefined) {
    throw requestError("A filter containing a productId must also contain a vendorId.");
  }
  if (f.usage !== undefined && f.usagePage === undefined) {
    throw requestError("A filter containing a usage must also contain a usagePage.");
  }
  if (f.vendorId === undefined && f.usagePage === undefined) {
    throw requestError("A filter must provide a property to filter by.");
  }
  return f;
}

function checkOptions(options: unknown): HidDeviceRequestOptions {
  if (options === null || typeof options !== "object") {
    throw requestError("1 argument required, but only 0 present.");
  }
  const o = options as HidDeviceRequestOptions;
  if (!Array.isArray(o.filters)) {
    throw requestError(
      "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Required member is undefined.",
    );
  }
  o.filters.forEach(checkFilter);
  if (o.exclusionFilters !== undefined) {
    if (!Array.isArray(o.exclusionFilters) || o.exclusionFilters.length === 0) {
      throw requestError("'exclusionFilters', if present, must contain at least one filter.");
    }
    o.exclusionFilters.forEach(checkFilter);
  }
  return o;
}

function matchesFilter(
  device: HidDeviceDescriptor,
  collections: HidCollectionInfo[],
  f: HidDeviceFilter,
): boolean {
  if (f.vendorId !== undefined && f.vendorId !== device.vendorId) return false;
  if (f.productId !== undefined && f.productId !== device.productId) return false;
  if (f.usagePage === undefined) return true;
  const usages = collections.length > 0
    ? collections.map((c) => [c.usagePage, c.usage])
    : device.usagePage !== undefined
    ? [[device.usagePage, device.usage]]
    : [];
  return usages.some(([page, usage]) =>
    page === f.usagePage && (f.usage === undefined || usage === f.usage)
  );
}

/** The random id `ids` keeps for `path`, made on first use. */
function idFor(ids: Map<string, string>, path: string): string {
  let id = ids.get(path);
  if (id === undefined) ids.set(path, id = crypto.randomUUID());
  return id;
}

/**
 * A session's WebHID API.
 *
 * @example
 * ```ts ignore
 * ses.on("select-hid-device", (event, details, callback) => {
 *   event.preventDefault();
 *   callback(details.deviceList[0]?.deviceId);
 * });
 * const [device] = await ses.hid.requestDevice({ filters: [] });
 * ```
 */
export class Hid {
  #session: Session;
  #lazyBroker: LazyBroker;
  #adapter: HidAdapter;
  #ids = new Map<string, string>();
  #guids = new Map<string, string>();
  #devices = new Map<string, HIDDevice>();
  #collections = new Map<string, HidCollectionInfo[]>();
  #pollInterval: number;

  /** @internal Made by the hid plugin. */
  constructor(
    session: Session,
    broker: LazyBroker,
    adapter: HidAdapter,
    pollInterval = 200,
  ) {
    this.#session = session;
    this.#adapter = adapter;
    this.#pollInterval = pollInterval;
    this.#lazyBroker = broker;
  }

  /** The session's permission broker, looked up on first use (see {@linkcode LazyBroker}). */
  get #broker(): PermissionBroker {
    return this.#lazyBroker.get();
  }

  /**
   * Asks the application to choose a device (`select-hid-device`); resolves with the chosen
   * device in a list, or `[]` when nothing is chosen. Rejects with a `SecurityError` when the
   * `hid` permission check denies, and with a `NotSupportedError` when the adapter cannot list
   * devices (e.g. node-hid did not load).
   */
  async requestDevice(
    options: HidDeviceRequestOptions,
    context: DeviceRequestContext = {},
  ): Promise<HIDDevice[]> {
    const { filters, exclusionFilters = [] } = checkOptions(options);
    const origin = context.origin ?? APP_ORIGIN;
    const requester = context.requester ?? null;
    await this.#broker.ready;
    if (!this.#broker.check("hid", { requestingOrigin: origin, requester })) {
      throw new DOMException(
        "Failed to execute 'requestDevice' on 'HID': Access denied.",
        "SecurityError",
      );
    }
    const list = async () =>
      (await this.#list()).filter((d) => {
        const collections = this.#collectionsOf(d);
        return (filters.length === 0 || filters.some((f) => matchesFilter(d, collections, f))) &&
          !exclusionFilters.some((f) => matchesFilter(d, collections, f));
      });
    const chosen = await pick<HidDeviceDescriptor>({
      list,
      identity: (d) => d.path,
      idOf: (d) => this.#idOf(d),
      select: (devices, callback) =>
        this.#session.emit(
          "select-hid-device",
          { deviceList: devices.map((d) => this.#electronDevice(d)), frame: null },
          callback,
        ).defaultPrevented,
      added: (d) =>
        this.#session.emit("hid-device-added", { device: this.#electronDevice(d), frame: null }),
      removed: (d) =>
        this.#session.emit("hid-device-removed", { device: this.#electronDevice(d), frame: null }),
      report: (error) => this.#session.emit("hook-error", error, null),
      pollInterval: this.#pollInterval,
    });
    if (chosen === null) return [];
    this.#broker.grantDevice(origin, this.#brokerDevice(chosen));
    return [this.#deviceObject(chosen, origin)];
  }

  /** The devices present that the origin may use (its grants, or the device permission handler). */
  async getDevices(context: DeviceRequestContext = {}): Promise<HIDDevice[]> {
    const origin = context.origin ?? APP_ORIGIN;
    await this.#broker.ready;
    const devices = await this.#list();
    return this.#broker.allowedAmong("hid", origin, devices, (d) => this.#brokerDevice(d))
      .map((d) => this.#deviceObject(d, origin));
  }

  async #list(): Promise<HidDeviceDescriptor[]> {
    try {
      return await this.#adapter.list();
    } catch (error) {
      throw new DOMException(
        `WebHID is not available through the ${this.#adapter.name} adapter: ${
          (error as Error).message
        }`,
        "NotSupportedError",
      );
    }
  }

  #collectionsOf(device: HidDeviceDescriptor): HidCollectionInfo[] {
    let collections = this.#collections.get(device.path);
    if (!collections) {
      collections = device.collections
        ? [...device.collections] as HidCollectionInfo[]
        : device.reportDescriptor
        ? parseReportDescriptor(device.reportDescriptor)
        : [];
      this.#collections.set(device.path, collections);
    }
    return collections;
  }

  #idOf(device: HidDeviceDescriptor): string {
    return idFor(this.#ids, device.path);
  }

  #electronDevice(device: HidDeviceDescriptor): ElectronHidDevice {
    const result: ElectronHidDevice = {
      deviceId: this.#idOf(device),
      guid: idFor(this.#guids, device.path),
      name: device.productName,
      vendorId: device.vendorId,
      productId: device.productId,
      collections: this.#collectionsOf(device),
    };
    if (device.serialNumber) result.serialNumber = device.serialNumber;
    return result;
  }

  #brokerDevice(device: HidDeviceDescriptor): BrokerDevice {
    return {
      deviceType: "hid",
      key: device.serialNumber
        ? `${device.vendorId}:${device.productId}:${device.serialNumber}`
        : `path:${device.path}`,
      device: this.#electronDevice(device) as unknown as Record<string, unknown>,
      // As Chromium: a device without a serial number is granted only while it is there.
      persistent: Boolean(device.serialNumber),
    };
  }

  #deviceObject(device: HidDeviceDescriptor, origin: string): HIDDevice {
    const cacheKey = `${origin}\n${device.path}`;
    let object = this.#devices.get(cacheKey);
    if (!object) {
      object = new HIDDevice(device, this.#adapter, async () => {
        this.#devices.delete(cacheKey);
        this.#broker.forgetDevice(origin, this.#brokerDevice(device));
      });
      this.#devices.set(cacheKey, object);
    }
    return object;
  }
}
