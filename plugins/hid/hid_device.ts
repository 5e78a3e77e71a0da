/**
 * WebHID's `HIDDevice` over a HID adapter's connection: `open`, `close`, `forget`, `sendReport`,
 * `sendFeatureReport`, `receiveFeatureReport`, `inputreport` events (`HIDInputReportEvent` with
 * `device`, `reportId` and `data` as a `DataView`), and `collections` parsed from the report
 * descriptor.
 *
 * @module
 */
import type { HidAdapter, HidConnection, HidDeviceDescriptor } from "../../kernel/devices/hid.ts";
import { type HidCollectionInfo, parseReportDescriptor } from "./report_descriptor.ts";

/** WebHID's `HIDInputReportEvent`. */
export class HIDInputReportEvent extends Event {
  /** The device that sent the report. */
  readonly device: HIDDevice;
  /** The report id (0 when the device uses none). */
  readonly reportId: number;
  /** The report, without its id byte. */
  readonly data: DataView;

  /** Made by `HIDDevice`. */
  constructor(device: HIDDevice, reportId: number, data: Uint8Array) {
    super("inputreport");
    this.device = device;
    this.reportId = reportId;
    this.data = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
}

function bytesOf(data: unknown, method: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(
    `Failed to execute '${method}' on 'HIDDevice': parameter 2 is not of type '(ArrayBuffer or ArrayBufferView)'.`,
  );
}

function reportIdOf(reportId: unknown, method: string): number {
  const id = Number(reportId);
  if (!Number.isInteger(id) || id < 0 || id > 255) {
    throw new TypeError(
      `Failed to execute '${method}' on 'HIDDevice': Value is outside the 'octet' value range.`,
    );
  }
  return id;
}

/**
 * A HID device (WebHID's `HIDDevice`), made by `ses.hid.requestDevice()` and `getDevices()`.
 *
 * @example
 * ```ts ignore
 * const [keyboard] = await ses.hid.requestDevice({ filters: [{ usagePage: 1, usage: 6 }] });
 * await keyboard.open();
 * keyboard.addEventListener("inputreport", (e) => console.log(e.reportId, e.data));
 * ```
 */
export class HIDDevice extends EventTarget {
  #descriptor: HidDeviceDescriptor;
  #adapter: HidAdapter;
  #forget: (device: HIDDevice) => Promise<void>;
  #connection: HidConnection | null = null;
  #opening: Promise<void> | null = null;
  #stopReports: (() => void) | null = null;
  #collections: HidCollectionInfo[];
  /** Called for each input report, besides the `inputreport` listeners. */
  oninputreport: ((event: HIDInputReportEvent) => void) | null = null;

  /** @internal Made by the hid plugin. */
  constructor(
    descriptor: HidDeviceDescriptor,
    adapter: HidAdapter,
    forget: (device: HIDDevice) => Promise<void>,
  ) {
    super();
    this.#descriptor = descriptor;
    this.#adapter = adapter;
    this.#forget = forget;
    this.#collections = descriptor.collections
      ? [...descriptor.collections] as HidCollectionInfo[]
      : descriptor.reportDescriptor
      ? parseReportDescriptor(descriptor.reportDescriptor)
      : [];
  }

  /** Whether the device is open. */
  get opened(): boolean {
    return this.#connection !== null;
  }
  /** USB vendor id. */
  get vendorId(): number {
    return this.#descriptor.vendorId;
  }
  /** USB product id. */
  get productId(): number {
    return this.#descriptor.productId;
  }
  /** The product name. */
  get productName(): string {
    return this.#descriptor.productName;
  }
  /** The top-level collections of the report descriptor. */
  get collections(): HidCollectionInfo[] {
    return this.#collections;
  }

  /** Opens the device; input reports start arriving as `inputreport` events. */
  async open(): Promise<void> {
    if (this.#connection || this.#opening) {
      throw new DOMException(
        "Failed to execute 'open' on 'HIDDevice': The device is already open.",
        "InvalidStateError",
      );
    }
    this.#opening = (async () => {
      let connection: HidConnection;
      try {
        connection = await this.#adapter.open(this.#descriptor.path);
      } catch (error) {
        throw new DOMException(
          `Failed to execute 'open' on 'HIDDevice': Failed to open the device. ${
            (error as Error).message
          }`,
          "NotAllowedError",
        );
      }
      if (this.#collections.length === 0) {
        this.#collections = parseReportDescriptor(connection.reportDescriptor);
      }
      this.#connection = connection;
      this.#stopReports = connection.onInputReport((reportId, data) => {
        const event = new HIDInputReportEvent(this, reportId, data);
        this.oninputreport?.(event);
        this.dispatchEvent(event);
      });
      connection.onLost(() => {
        if (this.#connection !== connection) return;
        this.#stopReports?.();
        this.#connection = null;
      });
    })();
    try {
      await this.#opening;
    } finally {
      this.#opening = null;
    }
  }

  /** Closes the device. */
  async close(): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    this.#stopReports?.();
    this.#connection = null;
    await connection.close();
  }

  /** Closes the device and revokes the origin's grant (`hid-device-revoked`). */
  async forget(): Promise<void> {
    await this.close();
    await this.#forget(this);
  }

  /** Sends an output report. */
  async sendReport(reportId: number, data: BufferSource): Promise<void> {
    const id = reportIdOf(reportId, "sendReport");
    const bytes = bytesOf(data, "sendReport");
    const connection = this.#open("sendReport");
    try {
      await connection.sendReport(id, bytes);
    } catch (error) {
      throw new DOMException(
        `Failed to execute 'sendReport' on 'HIDDevice': Failed to write the report. ${
          (error as Error).message
        }`,
        "NotAllowedError",
      );
    }
  }

  /** Sends a feature report. */
  async sendFeatureReport(reportId: number, data: BufferSource): Promise<void> {
    const id = reportIdOf(reportId, "sendFeatureReport");
    const bytes = bytesOf(data, "sendFeatureReport");
    const connection = this.#open("sendFeatureReport");
    try {
      await connection.sendFeatureReport(id, bytes);
    } catch (error) {
      throw new DOMException(
        `Failed to execute 'sendFeatureReport' on 'HIDDevice': Failed to write the feature report. ${
          (error as Error).message
        }`,
        "NotAllowedError",
      );
    }
  }

  /** Reads a feature report; the `DataView` starts with the report id byte, as in Chrome. */
  async receiveFeatureReport(reportId: number): Promise<DataView> {
    const id = reportIdOf(reportId, "receiveFeatureReport");
    const connection = this.#open("receiveFeatureReport");
    try {
      const bytes = await connection.receiveFeatureReport(id);
      return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      throw new DOMException(
        `Failed to execute 'receiveFeatureReport' on 'HIDDevice': Failed to receive the feature report. ${
          (error as Error).message
        }`,
        "NotAllowedError",
      );
    }
  }

  #open(method: string): HidConnection {
    if (!this.#connection) {
      throw new DOMException(
        `Failed to execute '${method}' on 'HIDDevice': The device must be opened first.`,
        "InvalidStateError",
      );
    }
    return this.#connection;
  }
}
