import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { session } from "../../../mod.ts";
import { permissionsPlugin } from "../../../plugins/permissions/mod.ts";
import { createSerialPlugin, type SerialPort } from "../../../plugins/serial/mod.ts";
import { posixSerialAdapter } from "../../../adapters/serial/posix.ts";
import type { SerialAdapter, SerialConnection } from "../../../kernel/devices/serial.ts";
import { needs } from "../../_system.ts";
import { deviceRig } from "./_pty.ts";

needs("socat");

const rig = deviceRig();

let counter = 0;
/** A port joined to `device` (a socat address), chosen through the picker. */
async function portWith(device: string, adapter?: SerialAdapter): Promise<SerialPort> {
  const name = `port-${counter++}`;
  await rig.start(name, device);
  const ses = session.fromPartition(`serial-io-${Math.random().toString(36).slice(2)}`, {
    plugins: [
      permissionsPlugin,
      createSerialPlugin({
        adapter: adapter ??
          posixSerialAdapter({ folders: [{ dir: rig.dir, match: new RegExp(`^${name}$`) }] }),
      }),
    ],
  });
  ses.on("select-serial-port", (event, portList, _wc, callback) => {
    event.preventDefault();
    callback(portList[0]?.portId ?? "");
  });
  return await ses.serial.requestPort();
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function readAtLeast(port: SerialPort, count: number): Promise<Uint8Array> {
  const reader = port.readable!.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < count) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.byteLength;
  }
  reader.releaseLock();
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) out.set(part, offset), offset += part.byteLength;
  return out;
}

describe("serial: SerialPort on a socat pty", () => {
  it("open() sets baud rate, stop bits and flow control on the tty (read back with stty)", async () => {
    const port = await portWith("SYSTEM:cat");
    await port.open({ baudRate: 9600, stopBits: 2, flowControl: "hardware" });
    const settings = execFileSync("stty", ["-F", port.path, "-a"]).toString();
    assert.match(settings, /speed 9600 baud/);
    assert.match(settings, /(^|\s)cstopb(\s|$)/);
    assert.match(settings, /(^|\s)crtscts(\s|$)/);
    assert.match(settings, /(^|\s)cs8(\s|$)/);
    await port.close();
    await port.open({ baudRate: 115200 });
    const again = execFileSync("stty", ["-F", port.path, "-a"]).toString();
    assert.match(again, /speed 115200 baud/);
    assert.match(again, /-cstopb/);
    assert.match(again, /-crtscts/);
    await port.close();
  });

  it("open() checks its options with Chrome's messages, and refuses a second open", async () => {
    const port = await portWith("SYSTEM:cat");
    const prefix = "Failed to execute 'open' on 'SerialPort': ";
    const cases: Array<[unknown, string]> = [
      [
        {},
        "Failed to read the 'baudRate' property from 'SerialOptions': Required member is undefined.",
      ],
      [{ baudRate: 0 }, "Requested baud rate must be greater than zero."],
      [{ baudRate: 9600, dataBits: 6 }, "Requested number of data bits must be 7 or 8."],
      [{ baudRate: 9600, stopBits: 3 }, "Requested number of stop bits must be 1 or 2."],
      [{ baudRate: 9600, bufferSize: 0 }, "Requested buffer size must be greater than zero."],
      [
        { baudRate: 9600, bufferSize: 16 * 1024 * 1024 + 1 },
        "Requested buffer size (16777217 bytes) is greater than the maximum allowed (16777216 bytes).",
      ],
      [
        { baudRate: 9600, parity: "mark" },
        "The provided value 'mark' is not a valid enum value of type ParityType.",
      ],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(port.open(options as never), {
        name: "TypeError",
        message: prefix + message,
      });
    }
    await port.open({ baudRate: 9600 });
    await assert.rejects(port.open({ baudRate: 9600 }), {
      name: "InvalidStateError",
      message: "The port is already open.",
    });
    await port.close();
    await assert.rejects(port.close(), {
      name: "InvalidStateError",
      message: "The port is already closed.",
    });
  });

  it("a pty refuses 7 data bits and parity: open() rejects naming the settings", async () => {
    const port = await portWith("SYSTEM:cat");
    await assert.rejects(port.open({ baudRate: 9600, dataBits: 7, parity: "even" }), (error) => {
      assert.equal((error as DOMException).name, "NetworkError");
      assert.match(
        (error as Error).message,
        /^Failed to open serial port\. .* refused the line settings \(9600 baud, 7 data bits, 1 stop bits, parity even, flow control none\): /,
      );
      return true;
    });
    assert.equal(port.readable, null);
    await port.open({ baudRate: 9600 }); // the failed open left nothing behind
    await port.close();
  });

  it("writes and reads through the streams (an echo device)", async () => {
    const port = await portWith("SYSTEM:cat");
    await port.open({ baudRate: 115200 });
    const writer = port.writable!.getWriter();
    await writer.write(new TextEncoder().encode("hello, "));
    // An ArrayBuffer is accepted too (Web Serial takes any BufferSource).
    await writer.write(new TextEncoder().encode("serial").buffer as unknown as Uint8Array);
    writer.releaseLock();
    assert.equal(text(await readAtLeast(port, 13)), "hello, serial");
    await assert.rejects(port.writable!.getWriter().write("text" as never), {
      name: "TypeError",
      message: "Chunk must be an ArrayBuffer or ArrayBufferView.",
    });
    await port.close();
  });

  it("writes wait while the device does not read (backpressure), then all bytes arrive", async () => {
    const sink = join(rig.dir, "received.bin");
    const port = await portWith(`SYSTEM:sleep 1.5; cat > ${sink}`);
    await port.open({ baudRate: 115200, bufferSize: 4096 });
    const writer = port.writable!.getWriter();
    const chunk = new Uint8Array(4096).fill(0x5a);
    const total = 256 * 4096; // far more than the pty and pipe buffers hold
    let written = 0;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 256; i++) {
      await writer.ready;
      writes.push(writer.write(chunk).then(() => void (written += chunk.byteLength)));
      if (i === 255) break;
    }
    // While the device sleeps, the writes cannot all have gone through.
    const during = written;
    assert.ok(during < total, `wrote ${during} of ${total} while the device was not reading`);
    await Promise.all(writes);
    await writer.close();
    await port.close();
    const until = Date.now() + 10_000;
    while (statSync(sink, { throwIfNoEntry: false })?.size !== total && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const received = readFileSync(sink);
    assert.equal(received.byteLength, total);
    assert.ok(received.every((b) => b === 0x5a));
  });

  it("reads only while the stream has room: an unread stream holds about bufferSize", async () => {
    let readByAdapter = 0;
    const base = posixSerialAdapter({ folders: [{ dir: rig.dir, match: /^flood$/ }] });
    const counting: SerialAdapter = {
      name: "counting",
      list: base.list,
      async open(path, settings): Promise<SerialConnection> {
        const connection = await base.open(path, settings);
        return {
          ...connection,
          read: async (buffer) => {
            const n = await connection.read(buffer);
            readByAdapter += n;
            return n;
          },
          write: (b) => connection.write(b),
          setSignals: (s) => connection.setSignals(s),
          getSignals: () => connection.getSignals(),
          close: () => connection.close(),
        };
      },
    };
    await rig.start("flood", "SYSTEM:head -c 2000000 /dev/zero; sleep 30");
    const ses = session.fromPartition(`serial-flood-${counter++}`, {
      plugins: [permissionsPlugin, createSerialPlugin({ adapter: counting })],
    });
    ses.on("select-serial-port", (event, list, _wc, callback) => {
      event.preventDefault();
      callback(list[0].portId);
    });
    const port = await ses.serial.requestPort();
    await port.open({ baudRate: 115200, bufferSize: 1024 });
    const readable = port.readable!;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.ok(readByAdapter <= 2 * 1024, `read ${readByAdapter} bytes nobody asked for`);
    const received = await readAtLeast(port, 64 * 1024);
    assert.ok(received.byteLength >= 64 * 1024);
    assert.equal(readable, port.readable);
    await port.close();
  });

  it("a port unplugged mid-read ends the stream with a NetworkError", async () => {
    const port = await portWith("SYSTEM:cat");
    await port.open({ baudRate: 9600 });
    const reader = port.readable!.getReader();
    const pending = reader.read();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // listened to before the device goes: the read may fail while stop() is still waiting
    const lost = assert.rejects(pending, {
      name: "NetworkError",
      message: "The device has been lost.",
    });
    await rig.running.at(-1)!.stop();
    await lost;
    reader.releaseLock();
    assert.equal(port.readable, null);
    assert.equal(port.writable, null);
  });

  it("close() refuses while a stream is locked; the lines of a pty cannot be read", async () => {
    const port = await portWith("SYSTEM:cat");
    await port.open({ baudRate: 9600 });
    const reader = port.readable!.getReader();
    await assert.rejects(port.close(), {
      name: "TypeError",
      message: "Cannot cancel a locked stream",
    });
    reader.releaseLock();
    await assert.rejects(port.setSignals({}), {
      name: "TypeError",
      message: "Failed to execute 'setSignals' on 'SerialPort': Signals dictionary is empty.",
    });
    // A pty has no modem lines: the ioctl's error reaches the caller.
    await assert.rejects(port.getSignals(), (error) => {
      assert.equal((error as DOMException).name, "NetworkError");
      assert.match(
        (error as Error).message,
        /^Failed to get control signals\. ioctl TIOCMGET on .*: E/,
      );
      return true;
    });
    await port.close();
    await assert.rejects(port.getSignals(), {
      name: "InvalidStateError",
      message: "The port is closed.",
    });
  });
});
