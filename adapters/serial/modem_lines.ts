/**
 * Modem control lines of a tty (DTR, RTS, break out; DCD, CTS, RI, DSR in) through `ioctl`
 * (`TIOCMGET`, `TIOCMBIS`, `TIOCMBIC`, `TIOCSBRK`, `TIOCCBRK`, Linux's numbers), called through the
 * runtime's FFI: `Deno.dlopen` on Deno (needs `--allow-ffi`), `bun:ffi` on Bun. The tty is opened
 * a second time by path, as the lines belong to the device, not to one descriptor.
 *
 * @module
 */
import type { SerialInputSignals, SerialOutputSignals } from "../../kernel/devices/serial.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import { builtin } from "../_builtin.ts";

/** The lines of one open tty. */
export interface ModemLines {
  /** Sets output lines (throws naming the ioctl and errno when the tty has no such lines). */
  set(signals: SerialOutputSignals): void;
  /** Reads input lines. */
  get(): SerialInputSignals;
  /** Closes the descriptor. */
  close(): void;
}

const O_RDWR = 2, O_NOCTTY = 0o400, O_NONBLOCK = 0o4000;
const TIOCMGET = 0x5415, TIOCMBIS = 0x5416, TIOCMBIC = 0x5417;
const TIOCSBRK = 0x5427, TIOCCBRK = 0x5428;
const DTR = 0x002, RTS = 0x004, CTS = 0x020, CAR = 0x040, RNG = 0x080, DSR = 0x100;

/** The libc calls, bound by one FFI or the other. */
interface Libc {
  open(path: Uint8Array, flags: number): number;
  ioctl(fd: number, request: number, arg: Int32Array): number;
  close(fd: number): number;
  errno(): number;
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  5: "EIO",
  9: "EBADF",
  13: "EACCES",
  22: "EINVAL",
  25: "ENOTTY (the tty has no modem lines)",
};

function denoLibc(): Libc {
  // deno-lint-ignore no-explicit-any
  const Deno = (globalThis as any).Deno;
  const lib = Deno.dlopen("libc.so.6", {
    open: { parameters: ["buffer", "i32"], result: "i32" },
    ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
    __errno_location: { parameters: [], result: "pointer" },
  });
  return {
    open: (path, flags) => lib.symbols.open(path, flags),
    ioctl: (fd, request, arg) => lib.symbols.ioctl(fd, BigInt(request), arg),
    close: (fd) => lib.symbols.close(fd),
    errno: () => new Deno.UnsafePointerView(lib.symbols.__errno_location()).getInt32(),
  };
}

function bunLibc(): Libc {
  const ffi = builtin("node:module").createRequire(import.meta.url)("bun:ffi");
  const { FFIType: T } = ffi;
  const lib = ffi.dlopen("libc.so.6", {
    open: { args: [T.ptr, T.i32], returns: T.i32 },
    ioctl: { args: [T.i32, T.u64, T.ptr], returns: T.i32 },
    close: { args: [T.i32], returns: T.i32 },
    __errno_location: { args: [], returns: T.ptr },
  });
  return {
    open: (path, flags) => lib.symbols.open(path, flags),
    ioctl: (fd, request, arg) => lib.symbols.ioctl(fd, request, arg),
    close: (fd) => lib.symbols.close(fd),
    errno: () => ffi.read.i32(lib.symbols.__errno_location(), 0),
  };
}

let libc: Libc | null = null;

function bind(): Libc {
  if (libc) return libc;
  const runtime = detectRuntime();
  if (runtime === "deno") return libc = denoLibc();
  if (runtime === "bun") return libc = bunLibc();
  throw new Error(`Modem lines need Deno's or Bun's FFI; this runtime is ${runtime}`);
}

/**
 * Opens the modem lines of the tty at `path`.
 *
 * @example
 * ```ts ignore
 * const lines = await openModemLines("/dev/ttyUSB0");
 * lines.set({ dataTerminalReady: true });
 * lines.get().clearToSend;
 * lines.close();
 * ```
 */
export function openModemLines(path: string): Promise<ModemLines> {
  const c = bind();
  const fd = c.open(new TextEncoder().encode(`${path}\0`), O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const errno = c.errno();
    return Promise.reject(new Error(`open ${path}: ${ERRNO_NAMES[errno] ?? `errno ${errno}`}`));
  }
  const call = (name: string, request: number, value = 0): number => {
    const arg = new Int32Array([value]);
    if (c.ioctl(fd, request, arg) < 0) {
      const errno = c.errno();
      throw new Error(`ioctl ${name} on ${path}: ${ERRNO_NAMES[errno] ?? `errno ${errno}`}`);
    }
    return arg[0];
  };
  return Promise.resolve({
    set(signals) {
      let on = 0, off = 0;
      if (signals.dataTerminalReady !== undefined) {
        if (signals.dataTerminalReady) on |= DTR;
        else off |= DTR;
      }
      if (signals.requestToSend !== undefined) {
        if (signals.requestToSend) on |= RTS;
        else off |= RTS;
      }
      if (on) call("TIOCMBIS", TIOCMBIS, on);
      if (off) call("TIOCMBIC", TIOCMBIC, off);
      if (signals.break !== undefined) {
        if (signals.break) call("TIOCSBRK", TIOCSBRK);
        else call("TIOCCBRK", TIOCCBRK);
      }
    },
    get() {
      const bits = call("TIOCMGET", TIOCMGET);
      return {
        dataCarrierDetect: (bits & CAR) !== 0,
        clearToSend: (bits & CTS) !== 0,
        ringIndicator: (bits & RNG) !== 0,
        dataSetReady: (bits & DSR) !== 0,
      };
    },
    close() {
      c.close(fd);
    },
  });
}
