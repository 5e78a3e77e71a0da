/**
 * `ses.serial`: Web Serial's `requestPort({ filters })` and `getPorts()` for a session, with
 * Electron's flow: `requestPort` checks the `serial` permission, then emits `select-serial-port`
 * `(event, portList, webContents, callback)` on the session; a listener calls
 * `event.preventDefault()` and `callback(portId)` to choose (`callback("")` cancels, and so does
 * no `preventDefault()`). While the selection is open, `serial-port-added` and
 * `serial-port-removed` `(event, port, webContents)` follow the adapter's ports. The choice is
 * remembered as a device grant of the requesting origin; `port.forget()` revokes it and emits
 * `serial-port-revoked` `(event, { port, frame: null, origin })`.
 *
 * @module
 */
import type { Session } from "../../kernel/session.ts";
import type { SerialAdapter, SerialPortDescriptor } from "../../kernel/devices/serial.ts";
import type { BrokerDevice, PermissionBroker } from "../permissions/broker.ts";
import type { LazyBroker } from "../permissions/lazy_broker.ts";
import { APP_ORIGIN } from "../permissions/names.ts";
import { type DeviceRequestContext, pick } from "../permissions/picker.ts";
import { SerialPort } from "./serial_port.ts";

/** Web Serial's `SerialPortFilter`. */
export interface SerialPortFilter {
  /** USB vendor id. */
  usbVendorId?: number;
  /** USB product id (needs `usbVendorId`). */
  usbProductId?: number;
  /** Bluetooth RFCOMM service class id (no tty adapter matches it). */
  bluetoothServiceClassId?: string | number;
}

/** Web Serial's `SerialPortRequestOptions`. */
export interface SerialPortRequestOptions {
  /** Ports matching any filter are listed (all ports without filters). */
  filters?: SerialPortFilter[];
}

/** Electron's `SerialPort` structure: a port as `select-serial-port` lists it. */
export interface ElectronSerialPort {
  /** The id to pass to the callback. */
  portId: string;
  /** The port's name (the tty's file name on POSIX). */
  portName: string;
  /** A name to show. */
  displayName?: string;
  /** USB vendor id, in decimal. */
  vendorId?: string;
  /** USB product id, in decimal. */
  productId?: string;
  /** USB serial number. */
  serialNumber?: string;
  /** The kernel driver. */
  usbDriverName?: string;
}

/** The callback of `select-serial-port`. */
export type SelectSerialPortCallback = (portId: string) => void;

function requestError(message: string): TypeError {
  return new TypeError(`Failed to execute 'requestPort' on 'Serial': ${message}`);
}

function checkFilters(options: unknown): SerialPortFilter[] {
  if (options === undefined || options === null) return [];
  if (typeof options !== "object") {
    throw requestError("parameter 1 is not of type 'SerialPortRequestOptions'.");
  }
  const filters = (options as SerialPortRequestOptions).filters;
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) {
    throw requestError("The provided value cannot be converted to a sequence.");
  }
  for (const filter of filters) {
    const f = filter ?? {};
    if (f.bluetoothServiceClassId !== undefined) continue;
    if (f.usbVendorId === undefined) {
      if (f.usbProductId !== undefined) {
        throw requestError("A filter containing a usbProductId must also specify a usbVendorId.");
      }
      throw requestError("A filter must provide a property to filter by.");
    }
  }
  return filters;
}

function matches(port: SerialPortDescriptor, filters: SerialPortFilter[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) =>
    f.bluetoothServiceClassId === undefined && f.usbVendorId === port.usbVendorId &&
    (f.usbProductId === undefined || f.usbProductId === port.usbProductId)
  );
}

/** Whether a port has a stable identity (USB ids and a serial number) a grant may be kept by. */
function isPersistable(port: SerialPortDescriptor): boolean {
  return port.usbVendorId !== undefined && Boolean(port.serialNumber);
}

/** The grant key of a port: USB ids and serial number when known, else its path. */
function keyOf(port: SerialPortDescriptor): string {
  return isPersistable(port)
    ? `usb:${port.usbVendorId}:${port.usbProductId}:${port.serialNumber}`
    : `path:${port.path}`;
}

/**
 * A session's serial API.
 *
 * @example
 * ```ts ignore
 * ses.on("select-serial-port", (event, portList, _webContents, callback) => {
 *   event.preventDefault();
 *   callback(portList[0]?.portId ?? "");
 * });
 * const port = await ses.serial.requestPort();
 * ```
 */
export class Serial {
  #session: Session;
  #lazyBroker: LazyBroker;
  #adapter: SerialAdapter;
  #ids = new Map<string, string>();
  #ports = new Map<string, SerialPort>();
  #pollInterval: number;

  /** @internal Made by the serial plugin. */
  constructor(
    session: Session,
    broker: LazyBroker,
    adapter: SerialAdapter,
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
   * Asks the application to choose a port (`select-serial-port`); resolves with the chosen
   * `SerialPort`. Rejects with a `NotFoundError` when nothing is chosen, a `SecurityError` when
   * the `serial` permission check denies.
   */
  async requestPort(
    options?: SerialPortRequestOptions,
    context: DeviceRequestContext = {},
  ): Promise<SerialPort> {
    const filters = checkFilters(options);
    const origin = context.origin ?? APP_ORIGIN;
    const requester = context.requester ?? null;
    await this.#broker.ready;
    if (!this.#broker.check("serial", { requestingOrigin: origin, requester })) {
      throw new DOMException(
        "Failed to execute 'requestPort' on 'Serial': Access denied.",
        "SecurityError",
      );
    }
    const chosen = await pick<SerialPortDescriptor>({
      list: async () => (await this.#adapter.list()).filter((p) => matches(p, filters)),
      identity: (port) => port.path,
      idOf: (port) => this.#idOf(port),
      select: (ports, callback) =>
        this.#session.emit(
          "select-serial-port",
          ports.map((p) => this.#electronPort(p)),
          requester,
          callback,
        ).defaultPrevented,
      added: (port) => this.#session.emit("serial-port-added", this.#electronPort(port), requester),
      removed: (port) =>
        this.#session.emit("serial-port-removed", this.#electronPort(port), requester),
      report: (error) => this.#session.emit("hook-error", error, null),
      pollInterval: this.#pollInterval,
    });
    if (chosen === null) {
      throw new DOMException(
        "Failed to execute 'requestPort' on 'Serial': No port selected by the user.",
        "NotFoundError",
      );
    }
    this.#broker.grantDevice(origin, this.#brokerDevice(chosen));
    return this.#portObject(chosen, origin);
  }

  /** The ports present that the origin may use (its grants, or the device permission handler). */
  async getPorts(context: DeviceRequestContext = {}): Promise<SerialPort[]> {
    const origin = context.origin ?? APP_ORIGIN;
    await this.#broker.ready;
    const ports = await this.#adapter.list();
    return this.#broker.allowedAmong("serial", origin, ports, (p) => this.#brokerDevice(p))
      .map((p) => this.#portObject(p, origin));
  }

  #idOf(port: SerialPortDescriptor): string {
    let id = this.#ids.get(port.path);
    if (id === undefined) this.#ids.set(port.path, id = crypto.randomUUID());
    return id;
  }

  #electronPort(port: SerialPortDescriptor): ElectronSerialPort {
    const result: ElectronSerialPort = {
      portId: this.#idOf(port),
      portName: port.path.slice(port.path.lastIndexOf("/") + 1),
      displayName: port.displayName,
    };
    if (port.usbVendorId !== undefined) result.vendorId = String(port.usbVendorId);
    if (port.usbProductId !== undefined) result.productId = String(port.usbProductId);
    if (port.serialNumber !== undefined) result.serialNumber = port.serialNumber;
    if (port.usbDriverName !== undefined) result.usbDriverName = port.usbDriverName;
    return result;
  }

  #brokerDevice(port: SerialPortDescriptor): BrokerDevice {
    return {
      deviceType: "serial",
      key: keyOf(port),
      device: this.#electronPort(port) as unknown as Record<string, unknown>,
      // As Chromium: a port without a serial number is granted only while it is there.
      persistent: isPersistable(port),
    };
  }

  #portObject(port: SerialPortDescriptor, origin: string): SerialPort {
    const cacheKey = `${origin}\n${port.path}`;
    let object = this.#ports.get(cacheKey);
    if (!object) {
      object = new SerialPort(port, this.#adapter, async () => {
        this.#ports.delete(cacheKey);
        this.#broker.forgetDevice(origin, this.#brokerDevice(port));
      });
      this.#ports.set(cacheKey, object);
    }
    return object;
  }
}
