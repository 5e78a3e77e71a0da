/**
 * A HID adapter that replays recorded devices: each has a real report descriptor and the input
 * reports it sent, replayed in order when the device is opened; what the application sends is
 * kept in `sent` for the caller to read, feature reports are answered from a table, and
 * `plug`/`unplug` add and remove devices (as `hid-device-added`/`-removed` need). For machines
 * without HID devices or virtual HID (no uhid), and for tests of the picker flow.
 *
 * @example
 * ```ts
 * const adapter = recordedHidAdapter([{
 *   path: "recorded:keyboard",
 *   productName: "Keyboard",
 *   vendorId: 0x046d,
 *   productId: 0xc31c,
 *   reportDescriptor: BOOT_KEYBOARD_DESCRIPTOR,
 *   inputReports: [{ reportId: 0, data: [0, 0, 0x04, 0, 0, 0, 0, 0] }],
 * }]);
 * (await adapter.list()).length; // 1
 * ```
 *
 * @module
 */
import type { HidAdapter, HidConnection, HidDeviceDescriptor } from "../../kernel/devices/hid.ts";

/**
 * The boot-protocol keyboard report descriptor of the HID 1.11 specification (appendix B.1),
 * which boot keyboards report: 8 modifier bits, a reserved byte, 5 LED output bits, 6 key codes.
 */
export const BOOT_KEYBOARD_DESCRIPTOR: Uint8Array = new Uint8Array([
  0x05,
  0x01,
  0x09,
  0x06,
  0xa1,
  0x01,
  0x05,
  0x07,
  0x19,
  0xe0,
  0x29,
  0xe7,
  0x15,
  0x00,
  0x25,
  0x01,
  0x75,
  0x01,
  0x95,
  0x08,
  0x81,
  0x02,
  0x95,
  0x01,
  0x75,
  0x08,
  0x81,
  0x01,
  0x95,
  0x05,
  0x75,
  0x01,
  0x05,
  0x08,
  0x19,
  0x01,
  0x29,
  0x05,
  0x91,
  0x02,
  0x95,
  0x01,
  0x75,
  0x03,
  0x91,
  0x01,
  0x95,
  0x06,
  0x75,
  0x08,
  0x15,
  0x00,
  0x25,
  0x65,
  0x05,
  0x07,
  0x19,
  0x00,
  0x29,
  0x65,
  0x81,
  0x00,
  0xc0,
]);

/**
 * A gamepad report descriptor with report id 1: 16 buttons and four signed 8-bit axes (X, Y, Z,
 * Rz) in a physical collection inside the application collection, and a 2-byte feature report
 * (id 2). This layout is the common generic USB gamepad one; it is not a dump of one product.
 */
export const GAMEPAD_DESCRIPTOR: Uint8Array = new Uint8Array([
  0x05,
  0x01,
  0x09,
  0x05,
  0xa1,
  0x01,
  0x85,
  0x01,
  0xa1,
  0x00,
  0x05,
  0x09,
  0x19,
  0x01,
  0x29,
  0x10,
  0x15,
  0x00,
  0x25,
  0x01,
  0x95,
  0x10,
  0x75,
  0x01,
  0x81,
  0x02,
  0x05,
  0x01,
  0x09,
  0x30,
  0x09,
  0x31,
  0x09,
  0x32,
  0x09,
  0x35,
  0x15,
  0x81,
  0x25,
  0x7f,
  0x75,
  0x08,
  0x95,
  0x04,
  0x81,
  0x02,
  0xc0,
  0x85,
  0x02,
  0x06,
  0x00,
  0xff,
  0x09,
  0x01,
  0x15,
  0x00,
  0x26,
  0xff,
  0x00,
  0x75,
  0x08,
  0x95,
  0x02,
  0xb1,
  0x02,
  0xc0,
]);

/** A recorded device. */
export interface RecordedHidDevice extends HidDeviceDescriptor {
  /** The report descriptor. */
  reportDescriptor: Uint8Array;
  /** Input reports replayed after `open()`, in order. */
  inputReports?: Array<{ reportId: number; data: number[] }>;
  /** Feature reports by id (without the id byte). */
  featureReports?: Record<number, number[]>;
}

/** What the application sent to a recorded device. */
export interface SentReport {
  /** `output` or `feature`. */
  kind: "output" | "feature";
  /** The device's path. */
  path: string;
  /** The report id. */
  reportId: number;
  /** The bytes. */
  data: number[];
}

/** The recorded adapter, with what was sent and a way to plug and unplug devices. */
export interface RecordedHidAdapter extends HidAdapter {
  /** Reports the application sent, oldest first. */
  readonly sent: SentReport[];
  /** Adds a device (as if plugged in). */
  plug(device: RecordedHidDevice): void;
  /** Removes a device (as if unplugged); an open connection reports it lost. */
  unplug(path: string): void;
}

/**
 * Makes a recorded adapter.
 *
 * @example
 * ```ts
 * const adapter = recordedHidAdapter([]);
 * adapter.name; // "recorded"
 * ```
 */
export function recordedHidAdapter(devices: RecordedHidDevice[]): RecordedHidAdapter {
  const present = new Map(devices.map((d) => [d.path, d]));
  const lostListeners = new Map<string, Array<(error: Error) => void>>();
  const sent: SentReport[] = [];
  return {
    name: "recorded",
    sent,
    plug(device) {
      present.set(device.path, device);
    },
    unplug(path) {
      present.delete(path);
      for (const listener of lostListeners.get(path)?.splice(0) ?? []) {
        listener(new Error(`${path} was unplugged`));
      }
    },
    list: () =>
      Promise.resolve(
        [...present.values()].map(({ inputReports: _, featureReports: __, ...d }) => d),
      ),
    open(path) {
      const device = present.get(path);
      if (!device) return Promise.reject(new Error(`${path} is not connected`));
      let closed = false;
      const connection: HidConnection = {
        reportDescriptor: device.reportDescriptor,
        onInputReport(listener) {
          let stopped = false;
          (async () => {
            for (const report of device.inputReports ?? []) {
              await new Promise((resolve) => setTimeout(resolve, 1));
              if (stopped || closed || !present.has(path)) return;
              listener(report.reportId, new Uint8Array(report.data));
            }
          })();
          return () => void (stopped = true);
        },
        onLost(listener) {
          const list = lostListeners.get(path) ?? [];
          list.push(listener);
          lostListeners.set(path, list);
        },
        sendReport(reportId, data) {
          if (closed || !present.has(path)) return Promise.reject(new Error("device is gone"));
          sent.push({ kind: "output", path, reportId, data: [...data] });
          return Promise.resolve();
        },
        sendFeatureReport(reportId, data) {
          if (closed || !present.has(path)) return Promise.reject(new Error("device is gone"));
          sent.push({ kind: "feature", path, reportId, data: [...data] });
          return Promise.resolve();
        },
        receiveFeatureReport(reportId) {
          const report = device.featureReports?.[reportId];
          if (!report) return Promise.reject(new Error(`no feature report ${reportId}`));
          return Promise.resolve(new Uint8Array([reportId, ...report]));
        },
        close() {
          closed = true;
          return Promise.resolve();
        },
      };
      return Promise.resolve(connection);
    },
  };
}
