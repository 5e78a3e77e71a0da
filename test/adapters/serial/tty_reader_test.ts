import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ttyReader } from "../../../adapters/serial/tty_reader.ts";
import { needs } from "../../_system.ts";
import { deviceRig, type FakeDevice } from "../../plugins/serial/_pty.ts";

needs("socat");

const rig = deviceRig();

let counter = 0;
/** A pty pair: `port` opened non-blocking as the adapter opens it, `device` the other end. */
async function pair(): Promise<{ port: number; device: number; path: string; pty: FakeDevice }> {
  const path = join(rig.dir, `port-${counter}`);
  const other = join(rig.dir, `device-${counter}`);
  const pty = await rig.start(`port-${counter++}`, `pty,raw,echo=0,link=${other}`);
  const flags = constants.O_RDWR | constants.O_NOCTTY;
  const port = openSync(path, flags | constants.O_NONBLOCK);
  const device = openSync(other, flags);
  return { port, device, path, pty };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection naming `what` after 10 s (so a hang fails instead of stalling). */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within 10 s`)), 10_000);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

for (const ffi of [true, false]) {
  describe(`serial: the tty reader (${ffi ? "read(2) and poll(2) through the FFI" : "node:fs"})`, () => {
    it("answers -1 while nothing has arrived, waits, then reads what the device sent", async () => {
      const { port, device } = await pair();
      const reader = ttyReader(port, "port", { ffi });
      const buffer = new Uint8Array(256);
      assert.equal(reader.read(buffer), -1);
      const waited = reader.wait();
      writeSync(device, new TextEncoder().encode("hello"));
      await within(waited, "the wait's end after the device wrote");
      let count = reader.read(buffer);
      while (count < 0) { // a polling wait may end on a turn before the bytes are there
        await within(reader.wait(), "a further wait's end");
        count = reader.read(buffer);
      }
      assert.equal(new TextDecoder().decode(buffer.subarray(0, count)), "hello");
      assert.equal(reader.read(buffer), -1);
      await reader.close();
      closeSync(port);
      closeSync(device);
    });

    it("wake() ends a wait pending on an idle tty, and close() returns", async () => {
      const { port, device } = await pair();
      const reader = ttyReader(port, "port", { ffi, maxPollDelay: 1000 });
      assert.equal(reader.read(new Uint8Array(16)), -1);
      // Waits end on their own while a reader polls (turns, then growing sleeps); the one still
      // pending after 20 ms waits in poll(2) (or sleeps 20 ms or more).
      let pending = reader.wait();
      while (await Promise.race([pending.then(() => true), sleep(20).then(() => false)])) {
        pending = reader.wait();
      }
      reader.wake();
      await within(pending, "the woken wait's end");
      await within(reader.wait(), "a wait after wake()"); // stays woken: a closing reader never waits
      await within(reader.close(), "close()");
      closeSync(port);
      closeSync(device);
    });

    it("reads 0 once the device has gone away", async () => {
      const { port, device, pty } = await pair();
      const reader = ttyReader(port, "port", { ffi });
      const buffer = new Uint8Array(16);
      assert.equal(reader.read(buffer), -1);
      closeSync(device);
      await pty.stop();
      let count = reader.read(buffer);
      while (count < 0) {
        await within(reader.wait(), "the wait's end after the device went away");
        count = reader.read(buffer);
      }
      assert.equal(count, 0);
      await reader.close();
      closeSync(port);
    });
  });
}
