/**
 * The few libc calls the POSIX serial adapter makes itself (`open`, `ioctl`, `read`, `write`,
 * `pipe`, `poll`, `close`, `errno`), bound once through the runtime's FFI: `Deno.dlopen` on Deno
 * (needs `--allow-ffi`), `bun:ffi` on Bun. Failures come back as libc returns them (-1, with
 * {@linkcode Libc.errno}), not as exceptions: a read that finds nothing costs a system call, not
 * an error object.
 *
 * @module
 */
import { createRequire } from "node:module";
import { detectRuntime } from "../../kernel/contracts.ts";

/** Linux's errno values the adapter tells apart. */
export const EAGAIN = 11;
/** Input/output error: the tty's device went away. */
export const EIO = 5;
/** `poll`'s "there is data to read". */
export const POLLIN = 1;

/** The libc calls, bound by one FFI or the other. */
export interface Libc {
  /** `open(2)`: a descriptor, or -1. `path` ends with a NUL byte. */
  open(path: Uint8Array, flags: number): number;
  /** `ioctl(2)` with a pointer argument: 0, or -1. */
  ioctl(fd: number, request: number, arg: Int32Array): number;
  /** `read(2)` into `buffer` (a view: it reads at the view's offset): a count, or -1. */
  read(fd: number, buffer: Uint8Array): number;
  /** `write(2)` of `bytes`: a count, or -1. */
  write(fd: number, bytes: Uint8Array): number;
  /** `pipe(2)`: fills `fds` with the read and the write end; 0, or -1. */
  pipe(fds: Int32Array): number;
  /** `close(2)`. */
  close(fd: number): number;
  /** The calling thread's `errno`, right after a call that failed. */
  errno(): number;
  /** `poll(2)`, blocking the calling thread (for a worker). `fds` as for `pollInThread`. */
  poll(fds: Uint8Array, count: number, timeout: number): number;
  /**
   * `poll(2)` on one of the runtime's worker threads (Deno's non-blocking FFI calls): the event
   * loop runs on while it waits. Null where the FFI has no such calls (Bun). `fds` holds
   * `struct pollfd`s (8 bytes each: fd, events, revents).
   */
  pollInThread: ((fds: Uint8Array, count: number, timeout: number) => Promise<number>) | null;
}

function denoLibc(): Libc {
  // deno-lint-ignore no-explicit-any
  const Deno = (globalThis as any).Deno;
  const lib = Deno.dlopen("libc.so.6", {
    open: { parameters: ["buffer", "i32"], result: "i32" },
    ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
    read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    pipe: { parameters: ["buffer"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
    poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
    pollInThread: {
      name: "poll",
      parameters: ["buffer", "u64", "i32"],
      result: "i32",
      nonblocking: true,
    },
    __errno_location: { parameters: [], result: "pointer" },
  });
  const s = lib.symbols;
  return {
    open: (path, flags) => s.open(path, flags),
    ioctl: (fd, request, arg) => s.ioctl(fd, BigInt(request), arg),
    read: (fd, buffer) => Number(s.read(fd, buffer, buffer.byteLength)),
    write: (fd, bytes) => Number(s.write(fd, bytes, bytes.byteLength)),
    pipe: (fds) => s.pipe(fds),
    close: (fd) => s.close(fd),
    errno: () => new Deno.UnsafePointerView(s.__errno_location()).getInt32(),
    poll: (fds, count, timeout) => s.poll(fds, BigInt(count), timeout),
    pollInThread: (fds, count, timeout) => s.pollInThread(fds, BigInt(count), timeout),
  };
}

function bunLibc(): Libc {
  const ffi = createRequire(import.meta.url)("bun:ffi");
  const { FFIType: T } = ffi;
  const lib = ffi.dlopen("libc.so.6", {
    open: { args: [T.ptr, T.i32], returns: T.i32 },
    ioctl: { args: [T.i32, T.u64, T.ptr], returns: T.i32 },
    read: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
    write: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
    pipe: { args: [T.ptr], returns: T.i32 },
    close: { args: [T.i32], returns: T.i32 },
    poll: { args: [T.ptr, T.u64, T.i32], returns: T.i32 },
    __errno_location: { args: [], returns: T.ptr },
  });
  const s = lib.symbols;
  return {
    open: (path, flags) => s.open(path, flags),
    ioctl: (fd, request, arg) => s.ioctl(fd, request, arg),
    read: (fd, buffer) => Number(s.read(fd, buffer, buffer.byteLength)),
    write: (fd, bytes) => Number(s.write(fd, bytes, bytes.byteLength)),
    pipe: (fds) => s.pipe(fds),
    close: (fd) => s.close(fd),
    errno: () => ffi.read.i32(s.__errno_location(), 0),
    poll: (fds, count, timeout) => s.poll(fds, count, timeout),
    pollInThread: null,
  };
}

let bound: Libc | null = null;

/**
 * The libc calls of this runtime, bound on first use. Throws where there is no FFI (a browser) or
 * the FFI is not permitted (Deno without `--allow-ffi`).
 *
 * @example
 * ```ts ignore
 * const c = libc();
 * const n = c.read(fd, buffer);
 * if (n < 0 && c.errno() === EAGAIN) console.log("nothing yet");
 * ```
 */
export function libc(): Libc {
  if (bound) return bound;
  const runtime = detectRuntime();
  if (runtime === "deno") return bound = denoLibc();
  if (runtime === "bun") return bound = bunLibc();
  throw new Error(`The POSIX serial adapter needs Deno's or Bun's FFI; this runtime is ${runtime}`);
}
