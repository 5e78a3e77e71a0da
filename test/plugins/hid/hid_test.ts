import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { permissionsPlugin } from "../../../plugins/permissions/mod.ts";
import {
  createHidPlugin,
  type ElectronHidDevice,
  type HIDInputReportEvent,
  type SelectHidDeviceDetails,
} from "../../../plugins/hid/mod.ts";
import type { HidAdapter } from "../../../kernel/devices/hid.ts";
import { loadNodeHid, nodeHidAdapter } from "../../../adapters/hid/node_hid.ts";
import {
  BOOT_KEYBOARD_DESCRIPTOR,
  GAMEPAD_DESCRIPTOR,
  recordedHidAdapter,
  type RecordedHidDevice,
} from "../../../adapters/hid/recorded.ts";
import { needs } from "../../_system.ts";

const keyboard: RecordedHidDevice = {
  path: "recorded:keyboard",
  productName: "Boot Keyboard",
  vendorId: 0x046d,
  productId: 0xc31c,
  serialNumber: "KB-1",
  reportDescriptor: BOOT_KEYBOARD_DESCRIPTOR,
  // "a" pressed, "a" released.
  inputReports: [
    { reportId: 0, data: [0, 0, 0x04, 0, 0, 0, 0, 0] },
    { reportId: 0, data: [0, 0, 0, 0, 0, 0, 0, 0] },
  ],
};
const gamepad: RecordedHidDevice = {
  path: "recorded:gamepad",
  productName: "Gamepad",
  vendorId: 0x0079,
  productId: 0x0006,
  reportDescriptor: GAMEPAD_DESCRIPTOR,
  inputReports: [{ reportId: 1, data: [0x01, 0x00, 0x7f, 0x81, 0x00, 0x00] }],
  featureReports: { 2: [0x10, 0x20] },
};

function fresh(adapter: HidAdapter) {
  return session.fromPartition(`hid-${Math.random().toString(36).slice(2)}`, {
    plugins: [permissionsPlugin, createHidPlugin({ adapter, pollInterval: 20 })],
  });
}

function choose(ses: ReturnType<typeof fresh>, pickName: string) {
  ses.on("select-hid-device", (event, details: SelectHidDeviceDetails, callback) => {
    event.preventDefault();
    callback(details.deviceList.find((d) => d.name === pickName)?.deviceId);
  });
}

describe("hid: node-hid enumeration (real, on a machine with no HID devices)", () => {
  needs("lsusb");
  it("node-hid loads and lists devices without crashing; the picker gets that list", async () => {
    const problem = loadNodeHid();
    assert.equal(problem, null, problem?.message ?? "");
    const listed = await nodeHidAdapter().list();
    assert.ok(Array.isArray(listed));
    const ses = fresh(nodeHidAdapter());
    let details: SelectHidDeviceDetails | null = null;
    ses.on("select-hid-device", (event, d, callback) => {
      event.preventDefault();
      details = d;
      callback();
    });
    assert.deepEqual(await ses.hid.requestDevice({ filters: [] }), []);
    assert.equal(details!.frame, null);
    assert.equal(details!.deviceList.length, listed.length);
  });
});

describe("hid: select-hid-device flow (recorded keyboard and gamepad descriptors)", () => {
  it("lists Electron's HIDDevice objects with collections; callback(deviceId) chooses", async () => {
    const ses = fresh(recordedHidAdapter([keyboard, gamepad]));
    let list: ElectronHidDevice[] = [];
    ses.on("select-hid-device", (event, details, callback) => {
      event.preventDefault();
      list = details.deviceList;
      callback(list[1].deviceId);
    });
    const [device] = await ses.hid.requestDevice({ filters: [] });
    assert.deepEqual(list.map((d) => [d.name, d.vendorId, d.productId, d.serialNumber]), [
      ["Boot Keyboard", 0x046d, 0xc31c, "KB-1"],
      ["Gamepad", 0x0079, 0x0006, undefined],
    ]);
    assert.equal(list[0].collections[0].usagePage, 1);
    assert.equal(list[0].collections[0].usage, 6);
    // Electron's HIDDevice has a guid: the HID interface's own unique id, beside deviceId.
    for (const d of list) assert.match(d.guid ?? "", /^[0-9a-f-]{36}$/);
    assert.notEqual(list[0].guid, list[1].guid);
    assert.equal(device.productName, "Gamepad");
    assert.deepEqual(await ses.hid.getDevices(), [device]);
  });

  it("parses the boot keyboard descriptor into WebHID's collections", async () => {
    const ses = fresh(recordedHidAdapter([keyboard]));
    choose(ses, "Boot Keyboard");
    const [device] = await ses.hid.requestDevice({ filters: [{ usagePage: 0x01, usage: 0x06 }] });
    const [collection] = device.collections;
    assert.deepEqual(
      [collection.usagePage, collection.usage, collection.type, collection.children.length],
      [1, 6, 1, 0],
    );
    const [input] = collection.inputReports;
    assert.equal(input.reportId, 0);
    const [modifiers, reserved, keys] = input.items;
    assert.deepEqual(
      [modifiers.reportSize, modifiers.reportCount, modifiers.isArray, modifiers.isRange],
      [1, 8, false, true],
    );
    assert.deepEqual([modifiers.usageMinimum, modifiers.usageMaximum], [0x000700e0, 0x000700e7]);
    assert.equal(reserved.isConstant, true);
    assert.deepEqual([keys.reportCount, keys.isArray, keys.logicalMaximum], [6, true, 101]);
    const [leds, padding] = collection.outputReports[0].items;
    assert.deepEqual([leds.usageMinimum, leds.usageMaximum, leds.reportCount], [
      0x00080001,
      0x00080005,
      5,
    ]);
    assert.deepEqual([padding.isConstant, padding.reportSize], [true, 3]);
  });

  it("parses the gamepad's report ids, nested collection, signed axes and feature report", async () => {
    const ses = fresh(recordedHidAdapter([gamepad]));
    choose(ses, "Gamepad");
    const [device] = await ses.hid.requestDevice({ filters: [{ vendorId: 0x0079 }] });
    const [app] = device.collections;
    assert.deepEqual([app.usage, app.children.length, app.children[0].type], [5, 1, 0]);
    const [buttons, axes] = app.children[0].inputReports[0].items;
    assert.equal(app.children[0].inputReports[0].reportId, 1);
    assert.deepEqual([buttons.reportCount, buttons.usageMinimum], [16, 0x00090001]);
    assert.deepEqual(axes.usages, [0x00010030, 0x00010031, 0x00010032, 0x00010035]);
    assert.deepEqual([axes.logicalMinimum, axes.logicalMaximum], [-127, 127]);
    assert.deepEqual(app.featureReports.map((r) => r.reportId), [2]);
    assert.equal(app.featureReports[0].items[0].usages[0], 0xff000001);
  });

  it("replays input reports as inputreport events; sends and receives reports", async () => {
    const adapter = recordedHidAdapter([keyboard, gamepad]);
    const ses = fresh(adapter);
    choose(ses, "Gamepad");
    const [pad] = await ses.hid.requestDevice({ filters: [] });
    await assert.rejects(pad.sendReport(0, new Uint8Array([1])), {
      name: "InvalidStateError",
      message: "Failed to execute 'sendReport' on 'HIDDevice': The device must be opened first.",
    });
    const reports: Array<[number, number[]]> = [];
    const got = new Promise<void>((resolve) => {
      pad.addEventListener("inputreport", (event) => {
        const e = event as HIDInputReportEvent;
        assert.equal(e.device, pad);
        reports.push([e.reportId, [
          ...new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength),
        ]]);
        resolve();
      });
    });
    await pad.open();
    assert.equal(pad.opened, true);
    await got;
    assert.deepEqual(reports, [[1, [0x01, 0x00, 0x7f, 0x81, 0x00, 0x00]]]);
    assert.equal(reports.length, 1);
    await pad.sendReport(1, new Uint8Array([0xaa]));
    await pad.sendFeatureReport(2, new Uint8Array([7, 8]));
    const feature = await pad.receiveFeatureReport(2);
    assert.deepEqual([...new Uint8Array(feature.buffer, feature.byteOffset, feature.byteLength)], [
      2,
      0x10,
      0x20,
    ]);
    assert.deepEqual(adapter.sent, [
      { kind: "output", path: "recorded:gamepad", reportId: 1, data: [0xaa] },
      { kind: "feature", path: "recorded:gamepad", reportId: 2, data: [7, 8] },
    ]);
    await assert.rejects(pad.receiveFeatureReport(9), { name: "NotAllowedError" });
    await assert.rejects(pad.open(), { name: "InvalidStateError" });
    await pad.close();
    assert.equal(pad.opened, false);
  });

  it("cancels to [] without preventDefault() or with callback(); checks filters", async () => {
    const ses = fresh(recordedHidAdapter([keyboard]));
    assert.deepEqual(await ses.hid.requestDevice({ filters: [] }), []);
    ses.once("select-hid-device", (event, _details, callback) => {
      event.preventDefault();
      callback();
    });
    assert.deepEqual(await ses.hid.requestDevice({ filters: [] }), []);
    await assert.rejects(ses.hid.requestDevice({} as never), {
      name: "TypeError",
      message:
        "Failed to execute 'requestDevice' on 'HID': Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Required member is undefined.",
    });
    await assert.rejects(ses.hid.requestDevice({ filters: [{ productId: 1 }] }), {
      message:
        "Failed to execute 'requestDevice' on 'HID': A filter containing a productId must also contain a vendorId.",
    });
    let listed: ElectronHidDevice[] = [];
    ses.once("select-hid-device", (event, details, callback) => {
      event.preventDefault();
      listed = details.deviceList;
      callback();
    });
    await ses.hid.requestDevice({
      filters: [{ usagePage: 1 }],
      exclusionFilters: [{ vendorId: 0x046d }],
    });
    assert.deepEqual(listed, []);
  });

  it("hid-device-added/-removed while selecting; forget() emits hid-device-revoked", async () => {
    const adapter = recordedHidAdapter([keyboard]);
    const ses = fresh(adapter);
    const events: string[] = [];
    let callback!: (id?: string) => void;
    ses.on("select-hid-device", (event, _details, cb) => {
      event.preventDefault();
      callback = cb;
    });
    let addedId = "";
    ses.on("hid-device-added", (_e, details) => void (addedId = details.device.deviceId));
    ses.on(
      "hid-device-added",
      (_e, details) => events.push(`added ${details.device.name} ${details.frame}`),
    );
    ses.on("hid-device-removed", (_e, details) => events.push(`removed ${details.device.name}`));
    const revoked: Array<{ device: ElectronHidDevice; origin: string; frame: null }> = [];
    ses.on("hid-device-revoked", (_e, details) => revoked.push(details));
    const request = ses.hid.requestDevice({ filters: [] }, { origin: "https://pad.example" });
    await waitFor(() => callback !== undefined);
    adapter.plug(gamepad);
    await waitFor(() => events.length === 1);
    adapter.unplug(keyboard.path);
    await waitFor(() => events.length === 2);
    assert.deepEqual(events, ["added Gamepad null", "removed Boot Keyboard"]);
    const list = await ses.hid.getDevices({ origin: "https://pad.example" });
    assert.deepEqual(list, []);
    callback(addedId);
    const [device] = await request;
    assert.equal(device.productName, "Gamepad");
    await device.forget();
    assert.deepEqual(await ses.hid.getDevices({ origin: "https://pad.example" }), []);
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0].device.name, "Gamepad");
    assert.equal(revoked[0].origin, "https://pad.example");
    assert.equal(revoked[0].frame, null);
  });

  it("a device without a serial number is granted only while it is there (Chromium's ephemeral grant)", async () => {
    const adapter = recordedHidAdapter([keyboard, gamepad]);
    const ses = fresh(adapter);
    choose(ses, "Gamepad");
    await ses.hid.requestDevice({ filters: [] });
    ses.removeAllListeners("select-hid-device");
    choose(ses, "Boot Keyboard");
    await ses.hid.requestDevice({ filters: [] });
    const names = async () => (await ses.hid.getDevices()).map((d) => d.productName).sort();
    assert.deepEqual(await names(), ["Boot Keyboard", "Gamepad"]);
    adapter.unplug(gamepad.path);
    adapter.unplug(keyboard.path);
    assert.deepEqual(await names(), []);
    adapter.plug(gamepad);
    adapter.plug(keyboard);
    // The keyboard has a serial number: its grant stays. The gamepad's ended when it went.
    assert.deepEqual(await names(), ["Boot Keyboard"]);
  });

  it("the hid check handler and the device permission handler decide", async () => {
    const ses = fresh(recordedHidAdapter([keyboard, gamepad]));
    ses.setPermissionCheckHandler((_wc, permission) => permission !== "hid");
    await assert.rejects(ses.hid.requestDevice({ filters: [] }), { name: "SecurityError" });
    ses.setPermissionCheckHandler(null);
    ses.setDevicePermissionHandler((details) =>
      details.deviceType === "hid" && details.device.name === "Boot Keyboard"
    );
    assert.deepEqual((await ses.hid.getDevices()).map((d) => d.productName), ["Boot Keyboard"]);
    // forget() of a device the handler allowed (no picker grant) still emits hid-device-revoked.
    const revoked: Array<{ device: ElectronHidDevice; origin: string }> = [];
    ses.on("hid-device-revoked", (_e, details) => revoked.push(details));
    await (await ses.hid.getDevices())[0].forget();
    assert.deepEqual(revoked.map((r) => [r.device.name, r.origin]), [
      ["Boot Keyboard", "websession://app"],
    ]);
  });

  it("an adapter that cannot list says so at requestDevice (NotSupportedError)", async () => {
    const broken: HidAdapter = {
      name: "broken",
      list: () => Promise.reject(new Error("libusb-1.0.so.0: cannot open shared object file")),
      open: () => Promise.reject(new Error("unreachable")),
    };
    const ses = fresh(broken);
    await assert.rejects(ses.hid.requestDevice({ filters: [] }), {
      name: "NotSupportedError",
      message:
        "WebHID is not available through the broken adapter: libusb-1.0.so.0: cannot open shared object file",
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
