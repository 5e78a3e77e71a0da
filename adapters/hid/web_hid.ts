/**
 * The HID adapter of pages: the browser's WebHID (`navigator.hid`). The devices listed are the ones
 * the browser already lets the page use (`getDevices()`: the browser's own permission comes
 * first; websession's picker and permission handlers come on top of it). WebHID gives parsed
 * `collections` instead of the raw report descriptor, so they are passed on as they are.
 *
 * @example
 * ```ts ignore
 * const adapter = webHidAdapter(() => navigator.hid);
 * const [device] = await adapter.list();
 * ```
 *
 * @module
 */
import type { HidAdapter, HidConnection, HidDeviceDescriptor } from "../../kernel/devices/hid.ts";

/** Listening, as an `EventTarget` does. */
export interface EventSourceLike {
  /** Adds a listener. */
  addEventListener(type: string, listener: (event: Event) => void): void;
  /** Removes a listener. */
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** The part of a WebHID `HIDDevice` the adapter uses. */
export interface WebHidDeviceLike extends EventSourceLike {
  /** Whether it is open. */
  readonly opened: boolean;
  /** USB vendor id. */
  readonly vendorId: number;
  /** USB product id. */
  readonly productId: number;
  /** The product name. */
  readonly productName: string;
  /** The top-level collections. */
  readonly collections: readonly object[];
  /** Opens the device. */
  open(): Promise<void>;
  /** Closes the device. */
  close(): Promise<void>;
  /** Sends an output report. */
  sendReport(reportId: number, data: Uint8Array): Promise<void>;
  /** Sends a feature report. */
  sendFeatureReport(reportId: number, data: Uint8Array): Promise<void>;
  /** Reads a feature report. */
  receiveFeatureReport(reportId: number): Promise<DataView>;
}

/** The part of WebHID's `HID` (`navigator.hid`) the adapter uses. */
export interface WebHidLike extends EventSourceLike {
  /** The devices the page may use. */
  getDevices(): Promise<WebHidDeviceLike[]>;
}

const bytes = (view: DataView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/**
 * Makes the adapter over `hid()` (asked on each use). Devices are named `web-hid:N` in the order
 * the browser first listed them; the same device keeps its name for the page's lifetime.
 *
 * @example
 * ```ts
 * const adapter = webHidAdapter(() => undefined);
 * adapter.name; // "webhid"
 * ```
 */
export function webHidAdapter(hid: () => WebHidLike | undefined): HidAdapter {
  const names = new Map<WebHidDeviceLike, string>();
  const byName = new Map<string, WebHidDeviceLike>();
  const api = (): WebHidLike => {
    const found = hid();
    if (!found) throw new Error("This browser has no WebHID (navigator.hid)");
    return found;
  };
  return {
    name: "webhid",
    async list() {
      const found: HidDeviceDescriptor[] = [];
      for (const device of await api().getDevices()) {
        let name = names.get(device);
        if (!name) {
          name = `web-hid:${names.size}`;
          names.set(device, name);
          byName.set(name, device);
        }
        found.push({
          path: name,
          productName: device.productName,
          vendorId: device.vendorId,
          productId: device.productId,
          collections: device.collections,
        });
      }
      return found;
    },
    async open(path) {
      const device = byName.get(path);
      if (!device) throw new Error(`${path} is not a device this page may use`);
      if (!device.opened) await device.open();
      const hidApi = api();
      const cleanups: Array<() => void> = [];
      const connection: HidConnection = {
        reportDescriptor: new Uint8Array(0),
        onInputReport(listener) {
          const handler = (event: Event) => {
            const { reportId, data } = event as Event & { reportId: number; data: DataView };
            listener(reportId, bytes(data));
          };
          device.addEventListener("inputreport", handler);
          const stop = () => device.removeEventListener("inputreport", handler);
          cleanups.push(stop);
          return stop;
        },
        onLost(listener) {
          const handler = (event: Event) => {
            if ((event as Event & { device?: unknown }).device !== device) return;
            hidApi.removeEventListener("disconnect", handler);
            listener(new Error(`${path}: the device has been lost`));
          };
          hidApi.addEventListener("disconnect", handler);
          cleanups.push(() => hidApi.removeEventListener("disconnect", handler));
        },
        sendReport: (reportId, data) => device.sendReport(reportId, data),
        sendFeatureReport: (reportId, data) => device.sendFeatureReport(reportId, data),
        // Chromium's DataView starts with the report id byte, as the contract wants
        receiveFeatureReport: async (reportId) =>
          bytes(await device.receiveFeatureReport(reportId)),
        async close() {
          for (const cleanup of cleanups.splice(0)) cleanup();
          if (device.opened) await device.close();
        },
      };
      return connection;
    },
  };
}
