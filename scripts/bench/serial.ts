/**
 * `deno task bench serial`: bytes per second through a socat pty pair, websession's `SerialPort`
 * streams (the serial plugin over the POSIX tty adapter) against raw reads and writes of the same
 * pty through the runtime's own file API, in the same run; goal at least 0.9 of raw, at the pty's
 * maximum rate and with the device paced at 115200 baud (8N1: 11,520 bytes a second, in 1,152-byte
 * bursts every 100 ms, which a pty does not do by itself: it ignores the baud rate). Then
 * `ses.permissions.check` with a check handler installed (median per call; goal under 2 µs),
 * against a direct call of the same handler.
 *
 * The device end of the pair is socat's `SYSTEM:` address (head, dd), so the bench process only
 * runs the side being measured. Reads use 64 KiB buffers on both sides (`bufferSize: 65536`).
 * Paced writes go in 1 KiB chunks and are timed after the first 128 KiB, which the pty, socat and
 * the pipe to the device buffer (so the figure is the device's pace, not the buffers').
 * Under Deno this runs, then runs itself again under Bun (`--child`); Bun's figures are named
 * `serial (bun)`.
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { constants, existsSync, mkdtempSync, promises as fs, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { finish, percentile, report } from "./_report.ts";
import { session } from "../../mod.ts";
import { permissionsPlugin } from "../../plugins/permissions/mod.ts";
import { createSerialPlugin, type SerialPort } from "../../plugins/serial/mod.ts";
import { posixSerialAdapter, sttyArguments } from "../../adapters/serial/posix.ts";
import type { PermissionCheckHandler } from "../../plugins/permissions/names.ts";

const isBun = "Bun" in globalThis;
const BENCH = isBun ? "serial (bun)" : "serial";
const CHUNK = 64 * 1024;
const BULK = 16 * 1024 * 1024;
const PACED_BURSTS = 20; // 2 s at 11,520 B/s
const PACED = PACED_BURSTS * 1152;
const ROUNDS = 3;
const LINE = {
  baudRate: 115200,
  dataBits: 8,
  stopBits: 1,
  parity: "none",
  flowControl: "none",
} as const;

const dir = mkdtempSync(join(tmpdir(), "websession-bench-serial-"));
let seq = 0;

/** socat joins a pty at a fresh path (the port) to `device`; resolves once the link exists. */
async function device(address: string): Promise<{ path: string; socat: ChildProcess }> {
  const path = join(dir, `port-${seq++}`);
  // socat's own buffer: large for the bulk runs, its default (8 KiB) for the paced device
  const buffer = address.includes("sleep 0.1") ? "8192" : String(CHUNK);
  const socat = spawn("socat", ["-b", buffer, `pty,raw,echo=0,link=${path}`, address], {
    stdio: "ignore",
  });
  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 5));
  return { path, socat };
}

async function stop(socat: ChildProcess): Promise<void> {
  if (socat.exitCode !== null || socat.signalCode !== null) return;
  const exited = new Promise((resolve) => socat.once("exit", resolve));
  socat.kill("SIGTERM");
  await exited;
}

const source = (bytes: number) => `SYSTEM:head -c ${bytes} /dev/zero; sleep 5`;
const pacedSource = () =>
  `SYSTEM:for i in $(seq ${PACED_BURSTS}); do head -c 1152 /dev/zero; sleep 0.1; done; sleep 5`;
const sink = () => `SYSTEM:cat > /dev/null`;
// dd succeeds on end of input too, so the loop ends on a short read (socat gone), not on dd's status
const pacedSink = () =>
  "SYSTEM:while [ $(dd bs=1152 count=1 iflag=fullblock status=none | wc -c) -eq 1152 ]; do sleep 0.1; done,pipes";
/** Paced writes are timed once this much is written: the pty, socat and the pipe hold ~80 KiB. */
const PACED_FILL = 128 * 1024;
const PACED_TIMED = 32 * 1024;

/** The runtime's own file API on a blocking descriptor: `Deno.open` or Bun's `node:fs`. */
interface RawFile {
  read(buffer: Uint8Array): Promise<number>;
  write(bytes: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

async function openRaw(path: string): Promise<RawFile> {
  execFileSync("stty", sttyArguments(path, LINE)); // the same line settings as open() sets
  const deno = (globalThis as {
    Deno?: {
      open(path: string, o: { read: boolean; write: boolean }): Promise<{
        read(b: Uint8Array): Promise<number | null>;
        write(b: Uint8Array): Promise<number>;
        close(): void;
      }>;
    };
  }).Deno;
  if (deno) {
    const file = await deno.open(path, { read: true, write: true });
    return {
      read: async (b) => (await file.read(b)) ?? 0,
      write: (b) => file.write(b),
      close: async () => file.close(),
    };
  }
  const handle = await fs.open(path, constants.O_RDWR | constants.O_NOCTTY);
  return {
    read: async (b) => (await handle.read(b, 0, b.byteLength, null)).bytesRead,
    write: async (b) => (await handle.write(b, 0, b.byteLength, null)).bytesWritten,
    close: () => handle.close(),
  };
}

/** Bytes per second reading `total` bytes, timed from the first byte to the last. */
async function rawRead(address: string, total: number): Promise<number> {
  const { path, socat } = await device(address);
  const file = await openRaw(path);
  const buffer = new Uint8Array(CHUNK);
  let got = 0;
  let start = 0;
  while (got < total) {
    const n = await file.read(buffer);
    if (n === 0) throw new Error(`raw read: the device ended after ${got} bytes`);
    if (got === 0) start = performance.now();
    got += n;
  }
  const rate = got / ((performance.now() - start) / 1000);
  await file.close();
  await stop(socat);
  return rate;
}

/** Bytes per second writing `total` bytes in `size` chunks, timed from `from` bytes on. */
async function rawWrite(address: string, total: number, size = CHUNK, from = 0): Promise<number> {
  const { path, socat } = await device(address);
  const file = await openRaw(path);
  const chunk = new Uint8Array(size);
  let start = performance.now();
  let timedFrom = 0;
  for (let sent = 0; sent < total;) {
    if (timedFrom === 0 && from > 0 && sent >= from) [start, timedFrom] = [performance.now(), sent];
    sent += await file.write(chunk.subarray(0, Math.min(size, total - sent)));
  }
  const rate = (total - timedFrom) / ((performance.now() - start) / 1000);
  await file.close();
  await stop(socat);
  return rate;
}

async function openPort(path: string): Promise<SerialPort> {
  const ses = session.fromPartition(`bench-serial-${seq++}`, {
    plugins: [
      permissionsPlugin,
      createSerialPlugin({ adapter: posixSerialAdapter({ paths: [path] }) }),
    ],
  });
  ses.on("select-serial-port", (event, portList, _wc, callback) => {
    event.preventDefault();
    callback(
      portList.find((p: { portName: string }) => p.portName === path.split("/").pop())?.portId ??
        "",
    );
  });
  const port = await ses.serial.requestPort();
  await port.open({ ...LINE, bufferSize: CHUNK });
  return port;
}

async function portRead(address: string, total: number): Promise<number> {
  const { path, socat } = await device(address);
  const port = await openPort(path);
  const reader = port.readable!.getReader();
  let got = 0;
  let start = 0;
  while (got < total) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`SerialPort read: the stream ended after ${got} bytes`);
    if (got === 0) start = performance.now();
    got += value.byteLength;
  }
  const rate = got / ((performance.now() - start) / 1000);
  reader.releaseLock();
  await port.close();
  await stop(socat);
  return rate;
}

async function portWrite(address: string, total: number, size = CHUNK, from = 0): Promise<number> {
  const { path, socat } = await device(address);
  const port = await openPort(path);
  const writer = port.writable!.getWriter();
  let start = performance.now();
  let timedFrom = 0;
  for (let sent = 0; sent < total; sent += size) {
    if (timedFrom === 0 && from > 0 && sent >= from) [start, timedFrom] = [performance.now(), sent];
    await writer.write(new Uint8Array(Math.min(size, total - sent)));
  }
  await writer.close();
  const rate = (total - timedFrom) / ((performance.now() - start) / 1000);
  await port.close();
  await stop(socat);
  return rate;
}

async function compare(
  figure: string,
  raw: () => Promise<number>,
  ours: () => Promise<number>,
): Promise<void> {
  const rawRates: number[] = [];
  const ourRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawRates.push(await raw());
    ourRates.push(await ours());
  }
  const base = percentile(rawRates, 50);
  const value = percentile(ourRates, 50);
  report({
    bench: BENCH,
    figure,
    value,
    unit: "B/s",
    baseline: { name: "raw file I/O", value: base },
    goal: "ratio >= 0.9",
    met: value / base >= 0.9,
  });
}

await compare(
  "read, pty maximum rate (16 MiB)",
  () => rawRead(source(BULK), BULK),
  () => portRead(source(BULK), BULK),
);
await compare(
  "write, pty maximum rate (16 MiB)",
  () => rawWrite(sink(), BULK),
  () => portWrite(sink(), BULK),
);
await compare(
  "read, device paced at 115200 baud",
  () => rawRead(pacedSource(), PACED),
  () => portRead(pacedSource(), PACED),
);
await compare(
  "write, device paced at 115200 baud",
  () => rawWrite(pacedSink(), PACED_FILL + PACED_TIMED, 1024, PACED_FILL),
  () => portWrite(pacedSink(), PACED_FILL + PACED_TIMED, 1024, PACED_FILL),
);

// ses.permissions.check with a handler installed, against the handler called directly.
{
  const ses = session.fromPartition(`bench-permissions-${seq++}`, {
    plugins: [permissionsPlugin],
  });
  const handler: PermissionCheckHandler = (_wc, permission, origin) =>
    permission !== "serial" || origin === "https://trusted.example";
  ses.setPermissionCheckHandler(handler);
  const details = { requestingUrl: "https://trusted.example/page", isMainFrame: true };
  const BATCH = 10_000;
  let granted = 0;
  const perCall = (fn: () => boolean): number => {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) if (fn()) granted++;
    return ((performance.now() - start) * 1000) / BATCH;
  };
  const direct: number[] = [];
  const broker: number[] = [];
  for (let round = 0; round < 200; round++) {
    direct.push(perCall(() => handler(null, "serial", "https://trusted.example", details)));
    broker.push(perCall(() => ses.permissions.check("serial", details)));
  }
  if (granted !== 200 * BATCH * 2) throw new Error("the check handler denied a trusted origin");
  const value = percentile(broker, 50);
  report({
    bench: BENCH,
    figure: "ses.permissions.check with a handler (median per call)",
    value,
    unit: "µs",
    baseline: { name: "the handler called directly", value: percentile(direct, 50) },
    goal: "< 2 µs",
    met: value < 2,
  });
}

finish();
rmSync(dir, { recursive: true, force: true });

if (!isBun && !process.argv.includes("--child")) {
  const bun = new URL("../../node_modules/.bin/bun", import.meta.url).pathname;
  await new Promise<void>((resolve) => {
    const child = spawn(bun, [new URL(import.meta.url).pathname, "--child"], {
      stdio: "inherit",
    });
    child.on("exit", () => resolve());
  });
}
process.exit(0);
