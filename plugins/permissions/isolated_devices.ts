/**
 * Devices for isolated plugins: a plugin running in a Worker has no session, so it asks the
 * broker, over the kernel's `ctx.devices.call(kind, method, ...args)`, which reaches
 * {@linkcode IsolatedDevices.serve}. The kernel lets through only the kinds the plugin's manifest
 * lists in `permissions.devices`; here every call is made on the plugin's behalf: the requester
 * the handlers see is `{ type: "plugin", id: name }`, the origin `websession-plugin://name` (so
 * its grants are its own), the `select-*` picker runs as for the application, and the check
 * handler can deny. Devices cross the Worker boundary as numeric handles.
 *
 * The calls, by kind:
 * - `serial`: `requestPort(options)` and `getPorts()` (resolve to `{ handle, info }` objects),
 *   `open(handle, options)`, `read(handle)` (the next chunk, or null when the stream ended),
 *   `write(handle, bytes)`, `close(handle)`, `forget(handle)`;
 * - `hid`: `requestDevice(options)` and `getDevices()` (`{ handle, vendorId, productId,
 *   productName, collections }`), `open(handle)`, `sendReport(handle, id, bytes)`,
 *   `sendFeatureReport(handle, id, bytes)`, `receiveFeatureReport(handle, id)` (bytes),
 *   `close(handle)`, `forget(handle)`;
 * - `usb`: `requestDevice(options)` and `getDevices()` (the WebUSB fields and a `handle`).
 *
 * @module
 */
import type { PermissionBroker } from "./broker.ts";
import type { DeviceType, PermissionRequester } from "./names.ts";

interface PortLike {
  getInfo(): unknown;
  open(options: unknown): Promise<void>;
  close(): Promise<void>;
  forget(): Promise<void>;
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
}
interface HidLike {
  vendorId: number;
  productId: number;
  productName: string;
  collections: unknown[];
  open(): Promise<void>;
  close(): Promise<void>;
  forget(): Promise<void>;
  sendReport(id: number, data: Uint8Array): Promise<void>;
  sendFeatureReport(id: number, data: Uint8Array): Promise<void>;
  receiveFeatureReport(id: number): Promise<DataView>;
}
type Context = { origin: string; requester: PermissionRequester };
interface DeviceMembers {
  serial?: {
    requestPort(options: unknown, context: Context): Promise<PortLike>;
    getPorts(context: Context): Promise<PortLike[]>;
  };
  hid?: {
    requestDevice(options: unknown, context: Context): Promise<HidLike[]>;
    getDevices(context: Context): Promise<HidLike[]>;
  };
  usb?: {
    requestDevice(options: unknown, context: Context): Promise<Record<string, unknown>>;
    getDevices(context: Context): Promise<Record<string, unknown>[]>;
  };
}

const KINDS: readonly DeviceType[] = ["serial", "hid", "usb"];
const USB_FIELDS = [
  "vendorId",
  "productId",
  "productName",
  "manufacturerName",
  "serialNumber",
  "deviceClass",
  "deviceSubclass",
  "deviceProtocol",
];

/**
 * The broker's side of isolated plugins' device calls, for one session.
 *
 * @example
 * ```ts ignore
 * const devices = new IsolatedDevices(ses, ses.permissions);
 * await devices.serve("logger", "serial", "getPorts", []); // []
 * ```
 */
export class IsolatedDevices {
  #members: DeviceMembers;
  #broker: PermissionBroker;
  #handles = new Map<number, { plugin: string; device: unknown }>();
  #readers = new Map<number, ReadableStreamDefaultReader<Uint8Array>>();
  #next = 0;

  /** `members` is the session (its `serial`, `hid` and `usb` members, when present). */
  constructor(members: object, broker: PermissionBroker) {
    this.#members = members as DeviceMembers;
    this.#broker = broker;
  }

  /** One call of an isolated plugin; rejects with a clear error for anything not allowed. */
  async serve(plugin: string, kind: string, method: string, args: unknown[]): Promise<unknown> {
    if (!KINDS.includes(kind as DeviceType)) {
      throw new TypeError(`ctx.devices: unknown device kind "${kind}" (serial, hid or usb)`);
    }
    const context: Context = {
      origin: `websession-plugin://${plugin}`,
      requester: { type: "plugin", id: plugin },
    };
    if (!this.#broker.check(kind as DeviceType, { requestingOrigin: context.origin, ...context })) {
      throw new DOMException(`Plugin ${plugin} was denied the ${kind} permission`, "SecurityError");
    }
    const api = this.#members[kind as DeviceType];
    if (!api) throw new Error(`The session has no ${kind} plugin`);
    if (kind === "serial") return await this.#serial(plugin, method, args, context);
    if (kind === "hid") return await this.#hid(plugin, method, args, context);
    return await this.#usb(plugin, method, args, context);
  }

  #handleOf(plugin: string, device: unknown): number {
    for (const [handle, entry] of this.#handles) {
      if (entry.plugin === plugin && entry.device === device) return handle;
    }
    const handle = ++this.#next;
    this.#handles.set(handle, { plugin, device });
    return handle;
  }

  #device<T>(plugin: string, handle: unknown, kind: string): T {
    const entry = this.#handles.get(Number(handle));
    if (!entry || entry.plugin !== plugin) {
      throw new TypeError(`ctx.devices: ${String(handle)} is not a ${kind} handle of ${plugin}`);
    }
    return entry.device as T;
  }

  async #serial(plugin: string, method: string, args: unknown[], context: Context) {
    const serial = this.#members.serial!;
    const describe = (port: PortLike) => ({
      handle: this.#handleOf(plugin, port),
      info: port.getInfo(),
    });
    switch (method) {
      case "requestPort":
        return describe(await serial.requestPort(args[0], context));
      case "getPorts":
        return (await serial.getPorts(context)).map(describe);
    }
    const handle = Number(args[0]);
    const port = this.#device<PortLike>(plugin, handle, "serial");
    switch (method) {
      case "open":
        return void await port.open(args[1]);
      case "read": {
        let reader = this.#readers.get(handle);
        if (!reader) {
          if (!port.readable) return null;
          this.#readers.set(handle, reader = port.readable.getReader());
        }
        try {
          const { value, done } = await reader.read();
          if (done) this.#readers.delete(handle);
          return done ? null : value;
        } catch (error) {
          this.#readers.delete(handle);
          throw error;
        }
      }
      case "write": {
        const writer = port.writable?.getWriter();
        if (!writer) throw new DOMException("The port is closed.", "InvalidStateError");
        try {
          await writer.write(args[1] as Uint8Array);
        } finally {
          writer.releaseLock();
        }
        return;
      }
      case "close":
      case "forget": {
        const reader = this.#readers.get(handle);
        this.#readers.delete(handle);
        await reader?.cancel().catch(() => {});
        reader?.releaseLock();
        await (method === "close" ? port.close() : port.forget());
        return;
      }
    }
    throw new TypeError(`ctx.devices: serial has no method "${method}"`);
  }

  async #hid(plugin: string, method: string, args: unknown[], context: Context) {
    const hid = this.#members.hid!;
    const describe = (device: HidLike) => ({
      handle: this.#handleOf(plugin, device),
      vendorId: device.vendorId,
      productId: device.productId,
      productName: device.productName,
      collections: device.collections,
    });
    switch (method) {
      case "requestDevice":
        return (await hid.requestDevice(args[0], context)).map(describe);
      case "getDevices":
        return (await hid.getDevices(context)).map(describe);
    }
    const device = this.#device<HidLike>(plugin, args[0], "hid");
    switch (method) {
      case "open":
        return void await device.open();
      case "close":
        return void await device.close();
      case "forget":
        return void await device.forget();
      case "sendReport":
        return void await device.sendReport(Number(args[1]), args[2] as Uint8Array);
      case "sendFeatureReport":
        return void await device.sendFeatureReport(Number(args[1]), args[2] as Uint8Array);
      case "receiveFeatureReport": {
        const view = await device.receiveFeatureReport(Number(args[1]));
        return new Uint8Array(
          view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength),
        );
      }
    }
    throw new TypeError(`ctx.devices: hid has no method "${method}"`);
  }

  async #usb(plugin: string, method: string, args: unknown[], context: Context) {
    const usb = this.#members.usb!;
    const describe = (device: Record<string, unknown>) => {
      const out: Record<string, unknown> = { handle: this.#handleOf(plugin, device) };
      for (const field of USB_FIELDS) out[field] = device[field];
      return out;
    };
    switch (method) {
      case "requestDevice":
        return describe(await usb.requestDevice(args[0], context));
      case "getDevices":
        return (await usb.getDevices(context)).map(describe);
    }
    throw new TypeError(`ctx.devices: usb has no method "${method}"`);
  }
}
