/**
 * The device plugins in the browser bundle, in headless Chromium. The page's devices are scripted
 * (there is no USB or HID hardware on these machines): a scripted WebUSB CDC-ACM device behind
 * `navigator.usb.getDevices()` (it records the line coding and control line requests and echoes
 * what it receives), and a scripted WebHID device behind `navigator.hid.getDevices()`. What is
 * real: Chromium's `navigator.serial`/`navigator.hid`/`navigator.usb` objects, web-serial-polyfill
 * driving the scripted USB device, and websession's pickers, permissions and streams.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";

const html = `<!doctype html><meta charset="utf-8"><title>websession devices</title>
<script type="module">
  import { session } from "/websession.js";

  // A scripted USB CDC-ACM device: interface 0 is the CDC control interface (class 2), interface
  // 1 the data interface (class 10) with bulk endpoints 1 in and 2 out.
  function scriptedCdcAcm() {
    const received = [];
    let waiting = null;
    let lost = null;
    const device = {
      vendorId: 0x2341, productId: 0x0043, serialNumber: "SCRIPTED1",
      usbVersionMajor: 2, usbVersionMinor: 0, usbVersionSubminor: 0,
      deviceClass: 2, deviceSubclass: 0, deviceProtocol: 0,
      deviceVersionMajor: 1, deviceVersionMinor: 0, deviceVersionSubminor: 0,
      manufacturerName: "Scripted", productName: "Scripted CDC-ACM",
      opened: false, configuration: null,
      configurations: [{ configurationValue: 1, interfaces: [
        { interfaceNumber: 0, alternates: [{ interfaceClass: 2, endpoints: [] }] },
        { interfaceNumber: 1, alternates: [{ interfaceClass: 10, endpoints: [
          { endpointNumber: 1, direction: "in", type: "bulk", packetSize: 64 },
          { endpointNumber: 2, direction: "out", type: "bulk", packetSize: 64 },
        ] }] },
      ] }],
      log: [],
      async open() { this.opened = true; this.log.push("open"); },
      async close() { this.opened = false; this.log.push("close"); },
      async selectConfiguration(value) { this.configuration = this.configurations[0]; },
      async claimInterface(n) { this.log.push("claim " + n); },
      async releaseInterface(n) {},
      async controlTransferOut(setup, data) {
        if (setup.request === 0x20) {
          const view = new DataView(data);
          this.log.push("line " + view.getUint32(0, true) + " stop" + view.getUint8(4) +
            " parity" + view.getUint8(5) + " bits" + view.getUint8(6));
        } else if (setup.request === 0x22) {
          this.log.push("lines " + setup.value);
        }
        return { status: "ok", bytesWritten: data ? data.byteLength : 0 };
      },
      async transferOut(endpoint, data) {
        const bytes = new Uint8Array(data.buffer ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data);
        this.log.push("out " + endpoint + " " + bytes.byteLength);
        received.push(bytes);
        if (waiting) { const w = waiting; waiting = null; w(); }
        return { status: "ok", bytesWritten: bytes.byteLength };
      },
      async transferIn(endpoint, length) {
        while (received.length === 0) {
          if (lost) throw lost;
          await new Promise((resolve) => { waiting = resolve; });
        }
        if (lost) throw lost;
        const bytes = received.shift();
        return { status: "ok", data: new DataView(bytes.buffer) };
      },
      unplug() {
        lost = new DOMException("The device was disconnected.", "NetworkError");
        if (waiting) { const w = waiting; waiting = null; w(); }
      },
    };
    return device;
  }

  // A scripted WebHID device: one top-level keyboard collection.
  function scriptedHid() {
    const device = new EventTarget();
    Object.assign(device, {
      vendorId: 0x046d, productId: 0xc31c, productName: "Scripted keyboard", opened: false,
      collections: [{ usagePage: 1, usage: 6, type: 0, children: [], inputReports: [],
        outputReports: [], featureReports: [] }],
      sent: [],
      async open() { this.opened = true; },
      async close() { this.opened = false; },
      async sendReport(id, data) { this.sent.push(["output", id, Array.from(data)]); },
      async sendFeatureReport(id, data) { this.sent.push(["feature", id, Array.from(data)]); },
      async receiveFeatureReport(id) { return new DataView(new Uint8Array([id, 7, 8]).buffer); },
    });
    return device;
  }

  const text = (bytes) => new TextDecoder().decode(bytes);

  async function serialOverPolyfill() {
    const hadSerial = "serial" in navigator;
    delete Navigator.prototype.serial; // as in a browser without Web Serial
    const device = scriptedCdcAcm();
    Object.defineProperty(navigator.usb, "getDevices", { value: async () => [device], configurable: true });
    const ses = session.fromPartition("page-serial-polyfill");
    const lists = [];
    ses.on("select-serial-port", (event, portList, webContents, callback) => {
      event.preventDefault();
      lists.push(portList);
      callback(portList[0].portId);
    });
    const port = await ses.serial.requestPort({ filters: [{ usbVendorId: 0x2341 }] });
    const info = port.getInfo();
    await port.open({ baudRate: 57600, dataBits: 7, stopBits: 2, parity: "even" });
    await port.setSignals({ requestToSend: true });
    const writer = port.writable.getWriter();
    await writer.write(new TextEncoder().encode("hello"));
    writer.releaseLock();
    const reader = port.readable.getReader();
    const echo = text((await reader.read()).value);
    const granted = (await ses.serial.getPorts()).length;
    let disconnected = false;
    port.addEventListener("disconnect", () => { disconnected = true; });
    device.unplug();
    let error = null;
    try { await reader.read(); } catch (e) { error = e.name + ": " + e.message; }
    return { hadSerial, lists, info, echo, granted, log: device.log, error, disconnected,
      readableAfter: port.readable === null };
  }

  async function hid() {
    if (!("hid" in navigator)) return { missing: true };
    const device = scriptedHid();
    Object.defineProperty(navigator.hid, "getDevices", { value: async () => [device], configurable: true });
    const ses = session.fromPartition("page-hid");
    let details = null;
    ses.on("select-hid-device", (event, d, callback) => {
      event.preventDefault();
      details = { frame: d.frame, names: d.deviceList.map((x) => x.name),
        vendorIds: d.deviceList.map((x) => x.vendorId), collections: d.deviceList[0].collections };
      callback(d.deviceList[0].deviceId);
    });
    const [chosen] = await ses.hid.requestDevice({ filters: [{ usagePage: 1, usage: 6 }] });
    await chosen.open();
    const reports = [];
    chosen.addEventListener("inputreport", (e) => reports.push([e.reportId, Array.from(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength))]));
    const report = new Event("inputreport");
    report.reportId = 0;
    report.data = new DataView(new Uint8Array([0, 0, 4, 0, 0, 0, 0, 0]).buffer);
    device.dispatchEvent(report);
    await chosen.sendReport(0, new Uint8Array([1]));
    await chosen.sendFeatureReport(2, new Uint8Array([3, 4]));
    const feature = Array.from(new Uint8Array((await chosen.receiveFeatureReport(5)).buffer));
    const lost = new Event("disconnect");
    lost.device = device;
    navigator.hid.dispatchEvent(lost);
    return { details, collections: chosen.collections.map((c) => [c.usagePage, c.usage]),
      reports, sent: device.sent, feature, openedAfterLoss: chosen.opened };
  }

  async function usb() {
    const device = scriptedCdcAcm();
    Object.defineProperty(navigator.usb, "getDevices", { value: async () => [device], configurable: true });
    const ses = session.fromPartition("page-usb");
    let list = null;
    ses.on("select-usb-device", (event, details, callback) => {
      event.preventDefault();
      list = details.deviceList.map((d) => [d.vendorId, d.productId, d.productName, d.serialNumber]);
      callback(details.deviceList[0].deviceId);
    });
    const chosen = await ses.usb.requestDevice({ filters: [{ vendorId: 0x2341 }] });
    const same = chosen === device;
    const before = (await ses.usb.getDevices()).length;
    await chosen.forget();
    const afterForget = (await ses.usb.getDevices()).length;
    return { list, same, before, afterForget };
  }

  async function nativeSerial() {
    // Chromium's own navigator.serial: the page has been granted no port, so the picker is empty
    const calls = [];
    const original = navigator.serial.getPorts.bind(navigator.serial);
    Object.defineProperty(navigator.serial, "getPorts", {
      value: async () => { calls.push("getPorts"); return await original(); }, configurable: true,
    });
    const ses = session.fromPartition("page-serial-native");
    let listed = null;
    ses.on("select-serial-port", (event, portList, webContents, callback) => {
      event.preventDefault();
      listed = portList.length;
      callback("");
    });
    let error = null;
    try { await ses.serial.requestPort(); } catch (e) { error = e.name + ": " + e.message; }
    return { calls: calls.length, listed, error };
  }

  window.run = async () => {
    const native = await nativeSerial();
    const usbResult = await usb();
    const hidResult = await hid();
    const polyfill = await serialOverPolyfill();
    return { native, usb: usbResult, hid: hidResult, polyfill };
  };
</script>`;

// deno-lint-ignore no-explicit-any
let result: any;
let page: BundlePage;
before(async () => {
  page = await startBundlePage(html, () => new Response("not found", { status: 404 }));
  result = await page.run();
});

after(async () => {
  await page?.close();
});

describe("device plugins in the browser bundle (headless Chromium, scripted devices)", () => {
  it("serial: Chromium's navigator.serial is the adapter where it exists (no port granted: empty picker, NotFoundError)", () => {
    assert.ok(result.native.calls >= 1, "navigator.serial.getPorts was asked");
    assert.equal(result.native.listed, 0);
    assert.equal(
      result.native.error,
      "NotFoundError: Failed to execute 'requestPort' on 'Serial': No port selected by the user.",
    );
  });

  it("serial: web-serial-polyfill over a scripted WebUSB CDC-ACM device where navigator.serial is missing", () => {
    const r = result.polyfill;
    assert.equal(r.hadSerial, true, "Chromium had navigator.serial before the page removed it");
    assert.equal(r.lists.length, 1);
    assert.equal(r.lists[0].length, 1);
    assert.equal(r.lists[0][0].vendorId, String(0x2341));
    assert.equal(r.lists[0][0].productId, String(0x0043));
    assert.deepEqual(r.info, { usbVendorId: 0x2341, usbProductId: 0x0043 });
    // CDC SET_LINE_CODING as the device received it: 57600 baud, 2 stop bits (index 2), even
    // parity (index 2), 7 data bits; then DTR on, then DTR and RTS on
    assert.deepEqual(r.log.slice(0, 6), [
      "open",
      "claim 0",
      "claim 1",
      "line 57600 stop2 parity2 bits7",
      "lines 1",
      "lines 3",
    ]);
    assert.equal(r.echo, "hello");
    assert.equal(r.granted, 1, "the chosen port is granted to the app's origin");
  });

  it("serial: a device unplugged mid-read ends the stream with a NetworkError and a disconnect event", () => {
    const r = result.polyfill;
    assert.equal(r.error, "NetworkError: The device has been lost.");
    assert.equal(r.disconnected, true);
    assert.equal(r.readableAfter, true);
  });

  it("hid: navigator.hid's devices in select-hid-device, WebHID collections passed on, reports both ways", () => {
    const r = result.hid;
    assert.equal(r.missing, undefined, "Chromium has navigator.hid");
    assert.equal(r.details.frame, null);
    assert.deepEqual(r.details.names, ["Scripted keyboard"]);
    assert.deepEqual(r.details.vendorIds, [0x046d]);
    assert.deepEqual(r.collections, [[1, 6]]);
    assert.deepEqual(r.reports, [[0, [0, 0, 4, 0, 0, 0, 0, 0]]]);
    assert.deepEqual(r.sent, [["output", 0, [1]], ["feature", 2, [3, 4]]]);
    assert.deepEqual(r.feature, [5, 7, 8]);
    assert.equal(r.openedAfterLoss, false, "a disconnect from navigator.hid closes the device");
  });

  it("usb: navigator.usb's devices in select-usb-device; the chosen one is the browser's USBDevice", () => {
    const r = result.usb;
    assert.deepEqual(r.list, [[0x2341, 0x0043, "Scripted CDC-ACM", "SCRIPTED1"]]);
    assert.equal(r.same, true);
    assert.equal(r.before, 1);
    assert.equal(r.afterForget, 0);
  });
});
