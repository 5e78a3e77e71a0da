/**
 * The HID adapter of Deno and Bun: node-hid (hidapi over hidraw on Linux; it loads on both
 * runtimes, Deno with `--allow-ffi`, and needs the system's libusb-1.0). Report descriptors come
 * from sysfs (`/sys/class/hidraw/NAME/device/report_descriptor`), which node-hid does not expose.
 * node-hid is loaded on first use; when it cannot load, `list()` and `open()` reject saying why,
 * and the hid plugin turns that into a `NotSupportedError` at `requestDevice`.
 *
 * @example
 * ```ts ignore
 * const adapter = nodeHidAdapter();
 * const devices = await adapter.list(); // [] on a machine without HID devices
 * ```
 *
 * @module
 */
import { builtin } from "../_builtin.ts";
import type { HidAdapter, HidConnection, HidDeviceDescriptor } from "../../kernel/devices/hid.ts";
import { detectRuntime } from "../../kernel/contracts.ts";

interface NodeHidDevice {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  usagePage?: number;
  usage?: number;
}

/** An open node-hid device (the part this adapter uses). */
interface NodeHidAsync {
  /** Input reports. */
  on(event: "data", listener: (data: Uint8Array) => void): void;
  /** Read errors (the device went away). */
  on(event: "error", listener: (error: Error) => void): void;
  /** Removes a listener. */
  off(event: string, listener: (...args: never[]) => void): void;
  /** Writes an output report (first byte: the report id). */
  write(values: number[]): Promise<number>;
  /** Writes a feature report (first byte: the report id). */
  sendFeatureReport(data: number[]): Promise<number>;
  /** Reads a feature report. */
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array>;
  /** Closes the device. */
  close(): Promise<void>;
}

/** The part of node-hid this adapter uses. */
interface NodeHid {
  /** Lists the devices. */
  devicesAsync(): Promise<NodeHidDevice[]>;
  /** Opens a device by path. */
  HIDAsync: { open(path: string): Promise<NodeHidAsync> };
}

let loaded: NodeHid | Error | null = null;

/**
 * Loads node-hid if it is not loaded yet; returns null when it is loaded, or the error that kept
 * it from loading (kept: the reason does not change).
 *
 * @example
 * ```ts
 * const problem = loadNodeHid();
 * if (problem) console.log(problem.message);
 * ```
 */
export function loadNodeHid(): Error | null {
  const hid = load();
  return hid instanceof Error ? hid : null;
}

function load(): NodeHid | Error {
  if (loaded) return loaded;
  try {
    const require = builtin("node:module").createRequire(import.meta.url);
    // node-hid's binding loader (pkg-prebuilds) takes `fs` from `jest.requireActual` whenever
    // `jest` is defined; `bun test` gives CommonJS modules bun:test's `jest`, which lacks it.
    if (detectRuntime() === "bun") {
      const jest = (require("bun:test") as { jest?: { requireActual?: unknown } }).jest;
      if (jest && typeof jest.requireActual !== "function") jest.requireActual = require;
    }
    loaded = require("node-hid") as NodeHid;
  } catch (error) {
    loaded = new Error(
      `node-hid could not be loaded on ${detectRuntime()}: ${(error as Error).message}`,
    );
  }
  return loaded;
}

function required(): NodeHid {
  const hid = load();
  if (hid instanceof Error) throw hid;
  return hid;
}

async function descriptorOf(path: string): Promise<Uint8Array | undefined> {
  if (!path.startsWith("/dev/hidraw")) return undefined;
  try {
    return new Uint8Array(
      await builtin("node:fs/promises").readFile(
        `/sys/class/hidraw/${builtin("node:path").basename(path)}/device/report_descriptor`,
      ),
    );
  } catch {
    return undefined;
  }
}

/** Whether a report descriptor declares report ids (any Report ID global item, 0x85). */
function declaresReportIds(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const prefix = bytes[i];
    if (prefix === 0xfe) {
      i += 3 + (bytes[i + 1] ?? 0);
      continue;
    }
    if (prefix === 0x85) return true;
    i += 1 + [0, 1, 2, 4][prefix & 3];
  }
  return false;
}

/**
 * Makes the node-hid adapter.
 *
 * @example
 * ```ts
 * nodeHidAdapter().name; // "node-hid"
 * ```
 */
export function nodeHidAdapter(): HidAdapter {
  return {
    name: "node-hid",
    async list() {
      const devices = await required().devicesAsync();
      const result: HidDeviceDescriptor[] = [];
      for (const d of devices) {
        if (!d.path) continue;
        const descriptor: HidDeviceDescriptor = {
          path: d.path,
          productName: d.product ?? "",
          vendorId: d.vendorId,
          productId: d.productId,
          usagePage: d.usagePage,
          usage: d.usage,
          reportDescriptor: await descriptorOf(d.path),
        };
        if (d.serialNumber) descriptor.serialNumber = d.serialNumber;
        result.push(descriptor);
      }
      return result;
    },
    async open(path): Promise<HidConnection> {
      const device = await required().HIDAsync.open(path);
      const reportDescriptor = await descriptorOf(path) ?? new Uint8Array();
      const withIds = declaresReportIds(reportDescriptor);
      const lost: Array<(error: Error) => void> = [];
      device.on("error", (error: Error) => {
        for (const listener of lost.splice(0)) listener(error);
      });
      return {
        reportDescriptor,
        onInputReport(listener) {
          const onData = (data: Uint8Array) => {
            if (withIds) listener(data[0], data.subarray(1));
            else listener(0, data);
          };
          device.on("data", onData);
          return () => device.off("data", onData);
        },
        onLost(listener) {
          lost.push(listener);
        },
        async sendReport(reportId, data) {
          await device.write([reportId, ...data]);
        },
        async sendFeatureReport(reportId, data) {
          await device.sendFeatureReport([reportId, ...data]);
        },
        async receiveFeatureReport(reportId) {
          return new Uint8Array(await device.getFeatureReport(reportId, 4096));
        },
        close: () => device.close(),
      };
    },
  };
}
