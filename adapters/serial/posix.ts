/**
 * The serial adapter of Deno and Bun on Linux and other POSIX systems: ports are ttys
 * (`/dev/ttyS*`, `/dev/ttyUSB*`, `/dev/ttyACM*` by default, plus folders and paths you name),
 * read non-blocking through `node:fs` and written through a second, blocking descriptor, with line settings applied by `stty -F` (termios through
 * the system's own tool, which both runtimes can run) and modem lines through `ioctl`
 * (`modem_lines.ts`). USB ids come from sysfs when the tty is a USB device.
 *
 * @example
 * ```ts ignore
 * const adapter = posixSerialAdapter({ paths: ["/tmp/my-pty"] });
 * const [port] = await adapter.list();
 * const connection = await adapter.open(port.path, {
 *   baudRate: 115200, dataBits: 8, stopBits: 1, parity: "none", flowControl: "none",
 * });
 * await connection.write(new TextEncoder().encode("AT\r"));
 * ```
 *
 * @module
 */
import { execFile } from "node:child_process";
import type { FileHandle } from "node:fs/promises";
import { builtin } from "../_builtin.ts";
import { basename, join } from "node:path";
import type {
  SerialAdapter,
  SerialConnection,
  SerialInputSignals,
  SerialLineSettings,
  SerialOutputSignals,
  SerialPortDescriptor,
} from "../../kernel/devices/serial.ts";
import { type ModemLines, openModemLines } from "./modem_lines.ts";

/** node:fs, loaded on first use (`adapters/_builtin.ts`). */
const fs = () => builtin("node:fs");

/** A folder to look for ports in, and which names in it are ports. */
export interface SerialFolder {
  /** The folder, e.g. `/dev`. */
  dir: string;
  /** Which entries are ports, e.g. `/^ttyUSB\d+$/`. */
  match: RegExp;
}

/** Options of {@linkcode posixSerialAdapter}. */
export interface PosixSerialOptions {
  /** Folders to list (default: `/dev` with `ttyS*`, `ttyUSB*`, `ttyACM*`). */
  folders?: SerialFolder[];
  /** Ports given by path (listed while they exist, e.g. links made by `socat`). */
  paths?: string[];
  /** How long a read waits at most between polls of an idle port, in ms (default 4). */
  maxPollDelay?: number;
}

/** The default folders: `/dev/ttyS*`, `/dev/ttyUSB*`, `/dev/ttyACM*`. */
export const DEFAULT_SERIAL_FOLDERS: readonly SerialFolder[] = [
  { dir: "/dev", match: /^tty(S|USB|ACM)\d+$/ },
];

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (error, stdout, stderr) => {
      if (error) reject(new Error(String(stderr).trim() || error.message));
      else resolve(String(stdout));
    });
  });
}

/** `stty` arguments for the settings (raw mode, no echo, the line settings). */
export function sttyArguments(path: string, s: SerialLineSettings): string[] {
  return [
    "-F",
    path,
    "raw",
    "-echo",
    "clocal",
    String(s.baudRate),
    s.dataBits === 7 ? "cs7" : "cs8",
    s.stopBits === 2 ? "cstopb" : "-cstopb",
    s.parity === "none" ? "-parenb" : "parenb",
    s.parity === "odd" ? "parodd" : "-parodd",
    s.flowControl === "hardware" ? "crtscts" : "-crtscts",
  ];
}

async function readHex(path: string): Promise<number | undefined> {
  try {
    const text = (await fs().promises.readFile(path, "utf8")).trim();
    const value = parseInt(text, 16);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** USB ids of a tty from sysfs (`/sys/class/tty/NAME/device` up to the USB device). */
async function usbInfo(name: string): Promise<Partial<SerialPortDescriptor>> {
  let dir: string;
  try {
    dir = await fs().promises.realpath(`/sys/class/tty/${name}/device`);
  } catch {
    return {};
  }
  const info: Partial<SerialPortDescriptor> = {};
  try {
    info.usbDriverName = basename(await fs().promises.realpath(`${dir}/driver`));
  } catch { /* no driver link */ }
  for (let up = dir; up.length > "/sys".length; up = up.slice(0, up.lastIndexOf("/"))) {
    const vendor = await readHex(`${up}/idVendor`);
    if (vendor === undefined) continue;
    info.usbVendorId = vendor;
    info.usbProductId = await readHex(`${up}/idProduct`);
    try {
      info.serialNumber = (await fs().promises.readFile(`${up}/serial`, "utf8")).trim();
    } catch { /* no serial number */ }
    break;
  }
  return info;
}

/** The write side of a tty: a second, blocking descriptor (writes wait for the device). */
interface TtyWriter {
  write(bytes: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

interface DenoFile {
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

/**
 * Opens the write side. A non-blocking descriptor cannot be written from Deno's `node:fs` (a
 * partial write followed by EAGAIN throws without its count, so bytes would be sent twice), and a
 * blocking one written through it blocks the event loop; Deno's own `Deno.open` file writes on a
 * worker thread. Bun's `node:fs` writes a blocking descriptor off the event loop.
 */
async function openWriter(path: string): Promise<TtyWriter> {
  const deno = (globalThis as {
    Deno?: { open(path: string, options: { write: boolean }): Promise<DenoFile> };
  }).Deno;
  if (deno) {
    const file = await deno.open(path, { write: true });
    return { write: (bytes) => file.write(bytes), close: async () => file.close() };
  }
  const handle = await fs().promises.open(path, fs().constants.O_WRONLY | fs().constants.O_NOCTTY);
  return {
    write: async (bytes) => (await handle.write(bytes, 0, bytes.byteLength, null)).bytesWritten,
    close: () => handle.close(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => builtin("node:timers").setImmediate(resolve));
const IMMEDIATE_POLLS = 8;
/** What Linux's tty line discipline (n_tty) holds, and so the most one read returns. */
const LINE_DISCIPLINE_BUFFER = 4096;

function code(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

class TtyConnection implements SerialConnection {
  #file: FileHandle;
  #writer: TtyWriter;
  #path: string;
  #maxDelay: number;
  #closed = false;
  #lines: ModemLines | null = null;

  constructor(file: FileHandle, writer: TtyWriter, path: string, maxDelay: number) {
    this.#file = file;
    this.#writer = writer;
    this.#path = path;
    this.#maxDelay = maxDelay;
  }

  async read(buffer: Uint8Array): Promise<number> {
    let delay = 0;
    let idle = 0;
    while (true) {
      if (this.#closed) throw new Error(`${this.#path} is closed`);
      try {
        return this.#readReady(buffer); // 0: the other end hung up
      } catch (error) {
        if (code(error) === "EIO") return 0; // the device went away
        if (code(error) !== "EAGAIN") throw error;
      }
      // A few turns of the event loop first (a busy device refills within microseconds), then
      // sleeps growing to maxPollDelay (an idle port costs next to nothing).
      if (idle++ < IMMEDIATE_POLLS) await nextTurn();
      else await sleep(delay = Math.min(this.#maxDelay, delay + 1));
    }
  }

  /**
   * Reads what the tty holds now, without waiting: the descriptor is non-blocking, so a plain
   * `read(2)` on this thread costs less than a trip to the runtime's I/O threads. A tty hands
   * out at most its line discipline's buffer (4 KiB) per read; while reads come back that full,
   * more is likely waiting, so they go on (up to the buffer's size) and the stream gets one
   * larger chunk. Throws EAGAIN when nothing has arrived.
   */
  #readReady(buffer: Uint8Array): number {
    const fd = this.#file.fd;
    let count = fs().readSync(fd, buffer, 0, buffer.byteLength, null);
    let last = count;
    while (last >= LINE_DISCIPLINE_BUFFER - 1 && count < buffer.byteLength) {
      try {
        last = fs().readSync(fd, buffer, count, buffer.byteLength - count, null);
      } catch (error) {
        if (code(error) === "EAGAIN") break;
        throw error;
      }
      if (last === 0) break;
      count += last;
    }
    return count;
  }

  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.byteLength) {
      if (this.#closed) throw new Error(`${this.#path} is closed`);
      try {
        offset += await this.#writer.write(bytes.subarray(offset));
      } catch (error) {
        if (this.#closed) throw new Error(`${this.#path} is closed`);
        if (code(error) === "EIO" || (error as Error)?.name === "Interrupted") {
          throw new Error(`${this.#path}: the device has been lost`);
        }
        throw error;
      }
    }
  }

  async setSignals(signals: SerialOutputSignals): Promise<void> {
    (this.#lines ??= await openModemLines(this.#path)).set(signals);
  }

  async getSignals(): Promise<SerialInputSignals> {
    return (this.#lines ??= await openModemLines(this.#path)).get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lines?.close();
    await Promise.allSettled([this.#file.close(), this.#writer.close()]);
  }
}

/**
 * Makes the POSIX tty adapter.
 *
 * @example
 * ```ts
 * const adapter = posixSerialAdapter({ folders: [{ dir: "/dev", match: /^ttyUSB\d+$/ }] });
 * adapter.name; // "posix-tty"
 * ```
 */
export function posixSerialAdapter(options: PosixSerialOptions = {}): SerialAdapter {
  const folders = options.folders ?? DEFAULT_SERIAL_FOLDERS;
  const paths = options.paths ?? [];
  const maxDelay = options.maxPollDelay ?? 4;
  return {
    name: "posix-tty",
    async list() {
      const found: string[] = [];
      for (const folder of folders) {
        let names: string[];
        try {
          names = await fs().promises.readdir(folder.dir);
        } catch {
          continue;
        }
        for (const name of names.sort()) {
          if (folder.match.test(name)) found.push(join(folder.dir, name));
        }
      }
      for (const path of paths) {
        if (!found.includes(path)) found.push(path);
      }
      const ports: SerialPortDescriptor[] = [];
      for (const path of found) {
        try {
          await fs().promises.stat(path); // follows links: a link whose pty is gone is not a port
        } catch {
          continue;
        }
        const name = basename(path);
        ports.push({ path, displayName: name, ...await usbInfo(name) });
      }
      return ports;
    },
    async open(path, settings) {
      const file = await fs().promises.open(
        path,
        fs().constants.O_RDWR | fs().constants.O_NOCTTY | fs().constants.O_NONBLOCK,
      );
      try {
        await run("stty", sttyArguments(path, settings));
      } catch (error) {
        await file.close();
        throw new Error(
          `${path} refused the line settings (${settings.baudRate} baud, ${settings.dataBits} data bits, ${settings.stopBits} stop bits, parity ${settings.parity}, flow control ${settings.flowControl}): ${
            (error as Error).message
          }`,
        );
      }
      let writer: TtyWriter;
      try {
        writer = await openWriter(path);
      } catch (error) {
        await file.close();
        throw error;
      }
      return new TtyConnection(file, writer, path, maxDelay);
    },
  };
}
