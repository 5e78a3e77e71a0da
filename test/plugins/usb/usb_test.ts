import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { permissionsPlugin } from "../../../plugins/permissions/mod.ts";
import {
  createUsbPlugin,
  type ElectronUsbDevice,
  type SelectUsbDeviceDetails,
} from "../../../plugins/usb/mod.ts";
import type { UsbAdapter, UsbDeviceLike } from "../../../kernel/devices/usb.ts";
import { nodeUsbAdapter } from "../../../adapters/usb/node_usb.ts";

/** A WebUSB-shaped device whose class has its own forget(), as the usb package's has. */
class ListedDevice implements UsbDeviceLike {
  usbVersionMajor = 2;
  usbVersionMinor = 0;
  usbVersionSubminor = 0;
  deviceClass = 2;
  deviceSubclass = 0;
  deviceProtocol = 0;
  deviceVersionMajor = 1;
  deviceVersionMinor = 0;
  deviceVersionSubminor = 0;
  forgotten = 0;
  constructor(
    public vendorId: number,
    public productId: number,
    public productName: string,
    public serialNumber: string | null,
  ) {}
  forget(): Promise<void> {
    this.forgotten++;
    return Promise.resolve();
  }
}

function listAdapter(devices: UsbDeviceLike[]): UsbAdapter {
  return { name: "listed", list: () => Promise.resolve([...devices]) };
}

function fresh(adapter: UsbAdapter) {
  return session.fromPartition(`usb-${Math.random().toString(36).slice(2)}`, {
    plugins: [permissionsPlugin, createUsbPlugin({ adapter, pollInterval: 20 })],
  });
}

describe("usb: the usb package on this runtime", () => {
  it("loads and lists (no USB bus in this container: no devices); the picker gets []", async () => {
    const listed = await nodeUsbAdapter().list();
    assert.ok(Array.isArray(listed));
    const ses = fresh(nodeUsbAdapter());
    let details: SelectUsbDeviceDetails | null = null;
    ses.on("select-usb-device", (event, d, callback) => {
      event.preventDefault();
      details = d;
      callback();
    });
    await assert.rejects(ses.usb.requestDevice({ filters: [] }), {
      name: "NotFoundError",
      message: "Failed to execute 'requestDevice' on 'USB': No device selected.",
    });
    assert.equal(details!.frame, null);
    assert.equal(details!.deviceList.length, listed.length);
  });
});

describe("usb: select-usb-device flow (listed WebUSB-shaped devices)", () => {
  const arduino = new ListedDevice(0x2341, 0x0043, "Uno", "A1");
  const other = new ListedDevice(0x1234, 0x0001, "Widget", null);

  it("lists Electron's USBDevice objects; callback(deviceId) resolves with the device", async () => {
    const ses = fresh(listAdapter([arduino, other]));
    let list: ElectronUsbDevice[] = [];
    ses.on("select-usb-device", (event, details, callback) => {
      event.preventDefault();
      list = details.deviceList;
      callback(list[0].deviceId);
    });
    const device = await ses.usb.requestDevice({ filters: [{ vendorId: 0x2341 }] });
    assert.equal(device, arduino);
    assert.equal(list.length, 1);
    assert.deepEqual(list[0], {
      deviceId: "9025:67:A1",
      usbVersionMajor: 2,
      usbVersionMinor: 0,
      usbVersionSubminor: 0,
      deviceClass: 2,
      deviceSubclass: 0,
      deviceProtocol: 0,
      vendorId: 0x2341,
      productId: 0x0043,
      deviceVersionMajor: 1,
      deviceVersionMinor: 0,
      deviceVersionSubminor: 0,
      productName: "Uno",
      serialNumber: "A1",
    });
    assert.deepEqual(await ses.usb.getDevices(), [arduino]);
  });

  it("checks filters, cancels, and forget() revokes with usb-device-revoked", async () => {
    const ses = fresh(listAdapter([arduino, other]));
    await assert.rejects(ses.usb.requestDevice({ filters: [{ productId: 1 }] }), {
      name: "TypeError",
      message:
        "Failed to execute 'requestDevice' on 'USB': A filter containing a productId must also contain a vendorId.",
    });
    await assert.rejects(ses.usb.requestDevice({ filters: [] }), { name: "NotFoundError" });
    const revoked: unknown[] = [];
    ses.on("usb-device-revoked", (_e, details) => revoked.push(details));
    ses.on("select-usb-device", (event, details, callback) => {
      event.preventDefault();
      callback(
        details.deviceList.find((d: ElectronUsbDevice) => d.productName === "Widget")?.deviceId,
      );
    });
    const device = await ses.usb.requestDevice({ filters: [] }, { origin: "https://w.example" });
    assert.equal(device, other);
    assert.deepEqual(await ses.usb.getDevices({ origin: "https://w.example" }), [other]);
    await (device as ListedDevice).forget();
    assert.equal(other.forgotten, 1);
    assert.deepEqual(await ses.usb.getDevices({ origin: "https://w.example" }), []);
    assert.equal(revoked.length, 1);
    assert.equal((revoked[0] as { origin: string }).origin, "https://w.example");
    assert.equal((revoked[0] as { device: ElectronUsbDevice }).device.productName, "Widget");
    // A device the device permission handler allows (no picker grant): forget() emits it too.
    ses.setDevicePermissionHandler((d) => d.device.productName === "Uno");
    const [allowed] = await ses.usb.getDevices({ origin: "https://w.example" });
    await (allowed as ListedDevice).forget();
    assert.equal(revoked.length, 2);
    assert.equal((revoked[1] as { device: ElectronUsbDevice }).device.productName, "Uno");
  });

  it("a device without a serial number is granted only while it is there (Chromium's ephemeral grant)", async () => {
    const devices: UsbDeviceLike[] = [arduino, other];
    const ses = fresh(listAdapter(devices));
    for (const name of ["Widget", "Uno"]) {
      ses.removeAllListeners("select-usb-device");
      ses.on("select-usb-device", (event, details, callback) => {
        event.preventDefault();
        callback(
          details.deviceList.find((d: ElectronUsbDevice) => d.productName === name)?.deviceId,
        );
      });
      await ses.usb.requestDevice({ filters: [] });
    }
    assert.deepEqual(await ses.usb.getDevices(), [arduino, other]);
    devices.length = 0;
    assert.deepEqual(await ses.usb.getDevices(), []);
    devices.push(arduino, other);
    assert.deepEqual(await ses.usb.getDevices(), [arduino], "the Uno has a serial number");
  });

  it("usb-device-added/-removed while selecting; the usb check handler can deny", async () => {
    const present: UsbDeviceLike[] = [arduino];
    const ses = fresh(listAdapter(present));
    const events: string[] = [];
    let callback!: (id?: string) => void;
    ses.on("select-usb-device", (event, _d, cb) => {
      event.preventDefault();
      callback = cb;
    });
    ses.on("usb-device-added", (_e, d) => events.push(`added ${d.device.productName} ${d.frame}`));
    ses.on("usb-device-removed", (_e, d) => events.push(`removed ${d.device.productName}`));
    const request = ses.usb.requestDevice({ filters: [] });
    await waitFor(() => callback !== undefined);
    present.push(other);
    await waitFor(() => events.length === 1);
    present.shift();
    await waitFor(() => events.length === 2);
    assert.deepEqual(events, ["added Widget null", "removed Uno"]);
    callback("");
    await assert.rejects(request, { name: "NotFoundError" });
    ses.setPermissionCheckHandler((_wc, permission) => permission !== "usb");
    await assert.rejects(ses.usb.requestDevice({ filters: [] }), { name: "SecurityError" });
  });

  it("an adapter that cannot load says so at requestDevice", async () => {
    const ses = fresh({
      name: "usb",
      list: () => Promise.reject(new Error("the usb package could not be loaded on bun: boom")),
    });
    await assert.rejects(ses.usb.requestDevice({ filters: [] }), {
      name: "NotSupportedError",
      message:
        "WebUSB is not available through the usb adapter: the usb package could not be loaded on bun: boom",
    });
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A WebUSB-shaped device with two interfaces: 0 is HID (class 3), 1 vendor-specific (0xff). */
class ClaimableDevice extends ListedDevice {
  claimed: number[] = [];
  configuration = {
    interfaces: [
      { interfaceNumber: 0, alternates: [{ interfaceClass: 0x03 }] },
      { interfaceNumber: 1, alternates: [{ interfaceClass: 0xff }, { interfaceClass: 0x08 }] },
      { interfaceNumber: 2, alternates: [{ interfaceClass: 0xff }] },
    ],
  };
  claimInterface(interfaceNumber: number): Promise<void> {
    this.claimed.push(interfaceNumber);
    return Promise.resolve();
  }
}

describe("usb: setUSBProtectedClassesHandler (Electron's)", () => {
  const choose = (ses: ReturnType<typeof fresh>) =>
    ses.on("select-usb-device", (event, details, callback) => {
      event.preventDefault();
      callback(details.deviceList[0].deviceId);
    });
  const protectedError = {
    name: "SecurityError",
    message:
      "Failed to execute 'claimInterface' on 'USBDevice': The requested interface implements a protected class.",
  };

  it("refuses interfaces of Chromium's protected classes by default (any alternate)", async () => {
    const device = new ClaimableDevice(0x1209, 0x0001, "Keypad", "K1");
    const ses = fresh(listAdapter([device]));
    choose(ses);
    const handed = await ses.usb.requestDevice({ filters: [] }) as unknown as ClaimableDevice;
    await assert.rejects(handed.claimInterface(0), protectedError);
    await assert.rejects(handed.claimInterface(1), protectedError, "mass storage as an alternate");
    await handed.claimInterface(2);
    assert.deepEqual(device.claimed, [2]);
  });

  it("asks the handler with the default list; [] allows every class; null restores", async () => {
    const device = new ClaimableDevice(0x1209, 0x0002, "Keypad", "K2");
    const ses = fresh(listAdapter([device]));
    choose(ses);
    const asked: string[][] = [];
    ses.setUSBProtectedClassesHandler(({ protectedClasses }) => {
      asked.push(protectedClasses);
      return [];
    });
    const handed = await ses.usb.requestDevice({ filters: [] }) as unknown as ClaimableDevice;
    await handed.claimInterface(0);
    assert.deepEqual(device.claimed, [0]);
    assert.deepEqual([...asked[0]].sort(), [
      "audio",
      "audio-video",
      "hid",
      "mass-storage",
      "smart-card",
      "video",
      "wireless",
    ]);
    ses.setUSBProtectedClassesHandler(() => ["mass-storage"]);
    await handed.claimInterface(0);
    await assert.rejects(handed.claimInterface(1), protectedError);
    ses.setUSBProtectedClassesHandler(null);
    await assert.rejects(handed.claimInterface(0), protectedError);
    assert.deepEqual(device.claimed, [0, 0]);
  });

  it("applies to getDevices() too, and refuses a handler that is not a function", async () => {
    const device = new ClaimableDevice(0x1209, 0x0003, "Keypad", "K3");
    const ses = fresh(listAdapter([device]));
    choose(ses);
    await ses.usb.requestDevice({ filters: [] });
    const [again] = await ses.usb.getDevices() as unknown as ClaimableDevice[];
    await assert.rejects(again.claimInterface(0), protectedError);
    assert.throws(
      () => ses.setUSBProtectedClassesHandler("all" as never),
      /handler must be a function or null/,
    );
  });
});
