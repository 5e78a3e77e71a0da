/**
 * The HID device contract: what a HID adapter (node-hid, WebHID, a recorded device) gives the hid
 * plugin, which builds WebHID's `HIDDevice` on top of it.
 *
 * @module
 */

/** A HID device an adapter found. */
export interface HidDeviceDescriptor {
  /** The adapter's stable name of the device (for node-hid, its path). */
  path: string;
  /** The product name. */
  productName: string;
  /** USB vendor id. */
  vendorId: number;
  /** USB product id. */
  productId: number;
  /** Serial number, when known. */
  serialNumber?: string;
  /** The top-level collection's usage page, when known without the descriptor. */
  usagePage?: number;
  /** The top-level collection's usage, when known without the descriptor. */
  usage?: number;
  /** The raw report descriptor, when the adapter can read it without opening the device. */
  reportDescriptor?: Uint8Array;
  /**
   * The top-level collections already parsed, in WebHID's `HIDCollectionInfo` shape, when the
   * adapter has them instead of the raw descriptor (WebHID gives no descriptor).
   */
  collections?: readonly object[];
}

/** An open HID device. */
export interface HidConnection {
  /** The raw report descriptor (read on open when not known before). */
  readonly reportDescriptor: Uint8Array;
  /** Calls `listener(reportId, data)` for every input report; returns the function that stops. */
  onInputReport(listener: (reportId: number, data: Uint8Array) => void): () => void;
  /** Calls `listener(error)` once when the device goes away while open. */
  onLost(listener: (error: Error) => void): void;
  /** Sends an output report (`reportId` 0 when the device uses no report ids). */
  sendReport(reportId: number, data: Uint8Array): Promise<void>;
  /** Sends a feature report. */
  sendFeatureReport(reportId: number, data: Uint8Array): Promise<void>;
  /** Reads a feature report; the result starts with the report id byte. */
  receiveFeatureReport(reportId: number): Promise<Uint8Array>;
  /** Closes the device. */
  close(): Promise<void>;
}

/** What the hid plugin needs from a runtime. */
export interface HidAdapter {
  /** The adapter's name, for messages (e.g. `node-hid`). */
  readonly name: string;
  /** The devices present now. */
  list(): Promise<HidDeviceDescriptor[]>;
  /** Opens a device. */
  open(path: string): Promise<HidConnection>;
}
