import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { session } from "../../../mod.ts";
import { permissionsPlugin } from "../../../plugins/permissions/mod.ts";
import { createSerialPlugin, type ElectronSerialPort } from "../../../plugins/serial/mod.ts";
import { posixSerialAdapter } from "../../../adapters/serial/posix.ts";
import { needs } from "../../_system.ts";
import { type FakeDevice, portFolder, startDevice } from "./_pty.ts";

needs("socat");

const folder = portFolder();
const devices: FakeDevice[] = [];
before(async () => {
  devices.push(await startDevice(join(folder.dir, "port-a"), "SYSTEM:cat"));
  devices.push(await startDevice(join(folder.dir, "port-b"), "SYSTEM:cat"));
});
after(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  folder.remove();
});

function fresh(name = `serial-${Math.random().toString(36).slice(2)}`) {
  const adapter = posixSerialAdapter({ folders: [{ dir: folder.dir, match: /^port-/ }] });
  return session.fromPartition(name, {
    plugins: [permissionsPlugin, createSerialPlugin({ adapter, pollInterval: 30 })],
  });
}

/** Chooses the port named `portName` in every select-serial-port of `ses`. */
function chooseByName(ses: ReturnType<typeof fresh>, portName: string): void {
  ses.on("select-serial-port", (event, portList, _wc, callback) => {
    event.preventDefault();
    callback(portList.find((p: ElectronSerialPort) => p.portName === portName)?.portId ?? "");
  });
}

describe("serial: select-serial-port (socat ptys)", () => {
  it("lists the ports as Electron's SerialPort objects; callback(portId) chooses", async () => {
    const ses = fresh();
    let seen: ElectronSerialPort[] = [];
    let contents: unknown = "unset";
    ses.on("select-serial-port", (event, portList, webContents, callback) => {
      event.preventDefault();
      seen = portList;
      contents = webContents;
      callback(portList.find((p: ElectronSerialPort) => p.portName === "port-b").portId);
    });
    const port = await ses.serial.requestPort();
    assert.deepEqual(seen.map((p) => [p.portName, p.displayName]), [
      ["port-a", "port-a"],
      ["port-b", "port-b"],
    ]);
    assert.match(seen[0].portId, /^[0-9a-f-]{36}$/);
    assert.equal(contents, null);
    assert.equal(port.path, join(folder.dir, "port-b"));
    assert.deepEqual(port.getInfo(), {});
    // The grant is remembered for the requesting origin, and getPorts returns the same object.
    assert.deepEqual(await ses.serial.getPorts(), [port]);
    assert.deepEqual(await ses.serial.getPorts({ origin: "https://other.example" }), []);
  });

  it("cancels without preventDefault(), with callback(''), and with an unknown id", async () => {
    const ses = fresh();
    const notFound = {
      name: "NotFoundError",
      message: "Failed to execute 'requestPort' on 'Serial': No port selected by the user.",
    };
    await assert.rejects(ses.serial.requestPort(), notFound);
    ses.once("select-serial-port", (event, _list, _wc, callback) => {
      event.preventDefault();
      callback("");
    });
    await assert.rejects(ses.serial.requestPort(), notFound);
    ses.once("select-serial-port", (event, _list, _wc, callback) => {
      event.preventDefault();
      callback("no-such-port");
    });
    await assert.rejects(ses.serial.requestPort(), notFound);
    assert.deepEqual(await ses.serial.getPorts(), []);
  });

  it("filters by USB ids (ptys have none) and rejects filters Chrome rejects", async () => {
    const ses = fresh();
    let listed: ElectronSerialPort[] | null = null;
    ses.on("select-serial-port", (event, portList, _wc, callback) => {
      event.preventDefault();
      listed = portList;
      callback("");
    });
    await assert.rejects(ses.serial.requestPort({ filters: [{ usbVendorId: 0x2341 }] }));
    assert.deepEqual(listed, []);
    await assert.rejects(ses.serial.requestPort({ filters: [{}] }), {
      name: "TypeError",
      message:
        "Failed to execute 'requestPort' on 'Serial': A filter must provide a property to filter by.",
    });
    await assert.rejects(ses.serial.requestPort({ filters: [{ usbProductId: 1 }] }), {
      name: "TypeError",
      message:
        "Failed to execute 'requestPort' on 'Serial': A filter containing a usbProductId must also specify a usbVendorId.",
    });
  });

  it("asks the check handler for 'serial' first; a denial emits no picker", async () => {
    const ses = fresh();
    const checks: unknown[][] = [];
    ses.setPermissionCheckHandler((webContents, permission, origin) => {
      checks.push([webContents, permission, origin]);
      return origin !== "https://blocked.example";
    });
    let picked = 0;
    ses.on("select-serial-port", () => picked++);
    await assert.rejects(ses.serial.requestPort({}, { origin: "https://blocked.example" }), {
      name: "SecurityError",
      message: "Failed to execute 'requestPort' on 'Serial': Access denied.",
    });
    assert.equal(picked, 0);
    const requester = { type: "plugin" as const, id: "flasher" };
    await assert.rejects(ses.serial.requestPort({}, { origin: "https://ok.example", requester }));
    assert.equal(picked, 1);
    assert.deepEqual(checks, [
      [null, "serial", "https://blocked.example"],
      [requester, "serial", "https://ok.example"],
    ]);
  });

  it("emits serial-port-added and serial-port-removed while the selection is open", async () => {
    const ses = fresh();
    const events: string[] = [];
    let choose!: (id: string) => void;
    ses.on("select-serial-port", (event, _list, _wc, callback) => {
      event.preventDefault();
      choose = callback;
    });
    ses.on("serial-port-added", (_e, port, webContents) => {
      events.push(`added ${port.portName} ${webContents}`);
    });
    ses.on("serial-port-removed", (_e, port) => events.push(`removed ${port.portName}`));
    const request = ses.serial.requestPort();
    await waitFor(() => choose !== undefined);
    const plugged = await startDevice(join(folder.dir, "port-c"), "SYSTEM:cat");
    await waitFor(() => events.length === 1);
    await plugged.stop();
    await waitFor(() => events.length === 2);
    assert.deepEqual(events, ["added port-c null", "removed port-c"]);
    choose("");
    await assert.rejects(request, { name: "NotFoundError" });
    // After the selection no more events.
    const late = await startDevice(join(folder.dir, "port-d"), "SYSTEM:cat");
    await new Promise((resolve) => setTimeout(resolve, 120));
    await late.stop();
    assert.equal(events.length, 2);
  });

  it("a port without a USB serial number is granted ephemerally, as in Chromium: not kept by persist:", async () => {
    // Chromium stores a serial grant only for a port with a serial number (a tty path such as
    // ttyUSB0 is reused by whatever is plugged next); other grants last while the port is there.
    const name = `persist:serial-${Math.random().toString(36).slice(2)}`;
    const first = fresh(name);
    chooseByName(first, "port-a");
    const port = await first.serial.requestPort();
    assert.deepEqual(await first.serial.getPorts(), [port]);
    await first.flushStorageData();
    await session.closePartition(name);
    const again = fresh(name);
    assert.deepEqual(await again.serial.getPorts(), []);
    await session.closePartition(name);
  });

  it("an ephemeral grant ends when its port goes away: a port plugged again at the path is not granted", async () => {
    const ses = fresh();
    const path = join(folder.dir, "port-e");
    let device = await startDevice(path, "SYSTEM:cat");
    chooseByName(ses, "port-e");
    await ses.serial.requestPort();
    assert.deepEqual((await ses.serial.getPorts()).map((p) => p.path), [path]);
    await device.stop();
    assert.deepEqual(await ses.serial.getPorts(), []);
    device = await startDevice(path, "SYSTEM:cat");
    try {
      assert.deepEqual(await ses.serial.getPorts(), []);
    } finally {
      await device.stop();
    }
  });

  it("forget() revokes the grant and emits serial-port-revoked", async () => {
    const ses = fresh();
    ses.on("select-serial-port", (event, portList, _wc, callback) => {
      event.preventDefault();
      callback(portList[0].portId);
    });
    const revoked: unknown[] = [];
    ses.on("serial-port-revoked", (_event, details) => revoked.push(details));
    const port = await ses.serial.requestPort({}, { origin: "https://a.example" });
    await port.open({ baudRate: 9600 });
    await port.forget();
    assert.equal(port.readable, null);
    assert.deepEqual(await ses.serial.getPorts({ origin: "https://a.example" }), []);
    assert.equal(revoked.length, 1);
    const details = revoked[0] as { port: ElectronSerialPort; frame: unknown; origin: string };
    assert.equal(details.port.portName, "port-a");
    assert.equal(details.frame, null);
    assert.equal(details.origin, "https://a.example");
  });

  it("the device permission handler decides getPorts() with Electron's details", async () => {
    const ses = fresh();
    const asked: unknown[] = [];
    ses.setDevicePermissionHandler((details) => {
      asked.push(details);
      return details.device.portName === "port-b";
    });
    const ports = await ses.serial.getPorts({ origin: "https://kiosk.example" });
    assert.deepEqual(ports.map((p) => p.path), [join(folder.dir, "port-b")]);
    const first = asked[0] as { deviceType: string; origin: string; device: ElectronSerialPort };
    assert.equal(first.deviceType, "serial");
    assert.equal(first.origin, "https://kiosk.example");
    assert.equal(first.device.portName, "port-a");
  });

  it("forget() of a port the device permission handler allowed emits serial-port-revoked too", async () => {
    // Electron's docs: the event helps keep the app's own store of grants (read back by the
    // device permission handler) up to date, so it fires whether or not a picker granted the port.
    const ses = fresh();
    const revoked: Array<{ port: ElectronSerialPort; frame: unknown; origin: string }> = [];
    ses.on("serial-port-revoked", (_event, details) => revoked.push(details));
    ses.setDevicePermissionHandler((details) => details.device.portName === "port-b");
    const [port] = await ses.serial.getPorts({ origin: "https://kiosk.example" });
    await port.forget();
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0].port.portName, "port-b");
    assert.equal(revoked[0].frame, null);
    assert.equal(revoked[0].origin, "https://kiosk.example");
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
