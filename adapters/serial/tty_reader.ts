/**
 * Reading a non-blocking tty descriptor: what it holds now, and waiting until it may hold more.
 *
 * With the runtime's FFI (`libc.ts`), reads are plain `read(2)` calls that answer "nothing yet" as
 * -1/EAGAIN, with no error object made, and waiting is `poll(2)` off the event loop, on the tty and
 * a wake-up pipe (so closing ends the wait at once): on one of Deno's worker threads (a
 * non-blocking FFI call), on Bun, whose FFI has no such calls, in a worker of the reader's own
 * (`poll_worker.ts`) after a millisecond of event-loop turns (a busy device refills within
 * microseconds, faster than a worker answers). Without the FFI (Deno without `--allow-ffi`) reads
 * go through `node:fs`'s `readSync`, where EAGAIN is an exception, and waiting is event-loop turns
 * for a millisecond, then sleeps growing to `maxPollDelay`.
 *
 * @module
 */
import { readSync } from "node:fs";
import { setImmediate } from "node:timers";
import { EAGAIN, EIO, type Libc, libc, POLLIN } from "./libc.ts";

/** What Linux's tty line discipline (n_tty) holds, and so the most one read returns. */
const LINE_DISCIPLINE_BUFFER = 4096;
/** How long an idle tty is polled on every turn of the event loop before sleeps begin, in ms. */
const SPIN_MS = 1;

/** Reads one non-blocking tty descriptor (one reader at a time). */
export interface TtyReader {
  /**
   * Reads what the tty holds now into `buffer`, without waiting: the count, 0 when the other end
   * hung up or the device went away, -1 when nothing has arrived. A tty hands out at most its line
   * discipline's buffer (4 KiB) per `read(2)`; while reads come back that full, more is likely
   * waiting, so they go on (up to the buffer's size) and the caller gets one larger chunk.
   */
  read(buffer: Uint8Array): number;
  /** Resolves once the tty may hold something to read (or {@linkcode TtyReader.wake} was called). */
  wait(): Promise<void>;
  /** Ends a pending {@linkcode TtyReader.wait} at once (before closing). */
  wake(): void;
  /** Waits for a pending wait to end and frees what the reader holds (not the tty descriptor). */
  close(): Promise<void>;
}

/** A read returned -1: `again` when nothing has arrived, `gone` when the device went away. */
type Failure = "again" | "gone";

/** One `read(2)`, through the FFI or `node:fs`: a count (0 at hang-up), or why there is none. */
type ReadOnce = (fd: number, buffer: Uint8Array) => number | Failure;

function ffiRead(c: Libc, path: string): ReadOnce {
  return (fd, buffer) => {
    const n = c.read(fd, buffer);
    if (n >= 0) return n;
    const errno = c.errno();
    if (errno === EAGAIN) return "again";
    if (errno === EIO) return "gone";
    throw new Error(`read ${path}: errno ${errno}`);
  };
}

function fsRead(fd: number, buffer: Uint8Array): number | Failure {
  try {
    return readSync(fd, buffer, 0, buffer.byteLength, null);
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code === "EAGAIN") return "again";
    if (code === "EIO") return "gone";
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** How a reader waits for more; `reset` after a read that found something. */
type Waiting = Pick<TtyReader, "wait" | "wake" | "close"> & { reset(): void };

/** Waiting by polling: event-loop turns for {@linkcode SPIN_MS}, then sleeps growing to `max`. */
function polling(max: number): Waiting {
  let idleSince = 0;
  let delay = 0;
  return {
    reset: () => {
      idleSince = 0;
      delay = 0;
    },
    wait: async () => {
      const now = performance.now();
      if (idleSince === 0) idleSince = now;
      if (now - idleSince < SPIN_MS) await nextTurn();
      else await sleep(delay = Math.min(max, delay + 1));
    },
    wake: () => {},
    close: async () => {},
  };
}

/** `poll(2)` off the event loop: resolves when it returns. */
interface Poller {
  poll(fds: Uint8Array): Promise<unknown>;
  close(): void;
}

/** Bun: a worker of its own (`poll_worker.ts`), referenced only while a poll is pending. */
function workerPoller(): Poller {
  type BunWorker = Worker & { ref?(): void; unref?(): void };
  let worker: BunWorker | null = null;
  let settle: (() => void) | null = null;
  const done = () => {
    worker?.unref?.();
    const resolve = settle;
    settle = null;
    resolve?.();
  };
  return {
    poll: (fds) =>
      new Promise<void>((resolve) => {
        if (!worker) {
          worker = new Worker(new URL("./poll_worker.ts", import.meta.url).href, {
            type: "module",
          }) as BunWorker;
          worker.onmessage = done;
          worker.onerror = (event) => {
            event.preventDefault();
            done();
          };
        }
        worker.ref?.();
        settle = resolve;
        worker.postMessage(fds.slice());
      }),
    close: () => worker?.terminate(),
  };
}

/**
 * Waiting in `poll(2)` for the tty or a wake-up pipe (written by `wake`, so closing ends the
 * wait at once), after turns of the event loop for {@linkcode SPIN_MS} when `spin` is set (a
 * worker's answer takes longer than a busy device's next bytes).
 */
function pollingOffLoop(c: Libc, fd: number, poller: Poller, spin: boolean): Waiting {
  const pipe = new Int32Array(2);
  if (c.pipe(pipe) < 0) throw new Error(`pipe: errno ${c.errno()}`);
  const fds = new Uint8Array(16); // two struct pollfd: the tty, the pipe's read end
  const view = new DataView(fds.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, POLLIN, true);
  view.setInt32(8, pipe[0], true);
  view.setInt16(12, POLLIN, true);
  let idleSince = 0;
  let pending: Promise<unknown> | null = null;
  let woken = false;
  let closed = false;
  const wake = () => {
    if (woken) return;
    woken = true;
    c.write(pipe[1], new Uint8Array(1));
  };
  return {
    reset: () => {
      idleSince = 0;
    },
    wait: async () => {
      if (woken) return;
      if (spin) {
        const now = performance.now();
        if (idleSince === 0) idleSince = now;
        if (now - idleSince < SPIN_MS) return void await nextTurn();
      }
      pending = poller.poll(fds);
      try {
        await pending;
      } finally {
        pending = null;
      }
    },
    wake,
    close: async () => {
      if (closed) return;
      closed = true;
      wake();
      await pending?.catch(() => {});
      poller.close();
      c.close(pipe[0]);
      c.close(pipe[1]);
    },
  };
}

function bindLibc(): Libc | null {
  try {
    return libc();
  } catch {
    return null; // no FFI here, or not permitted: node:fs reads
  }
}

/** Options of {@linkcode ttyReader}. */
export interface TtyReaderOptions {
  /** The longest sleep between polls of an idle tty, in ms, where waiting polls (default 4). */
  maxPollDelay?: number;
  /** Whether to use the FFI when the runtime has it (default true; false: `node:fs` reads). */
  ffi?: boolean;
}

/**
 * Makes the reader of the non-blocking tty descriptor `fd` (named `path` in errors).
 *
 * @example
 * ```ts ignore
 * const reader = ttyReader(fd, "/dev/ttyUSB0");
 * const buffer = new Uint8Array(4096);
 * let n: number;
 * while ((n = reader.read(buffer)) < 0) await reader.wait();
 * await reader.close();
 * ```
 */
export function ttyReader(fd: number, path: string, options: TtyReaderOptions = {}): TtyReader {
  const c = options.ffi === false ? null : bindLibc();
  const maxPollDelay = options.maxPollDelay ?? 4;
  const once = c ? ffiRead(c, path) : fsRead;
  const inThread = c?.pollInThread;
  const waiting = !c
    ? polling(maxPollDelay)
    : inThread
    ? pollingOffLoop(c, fd, { poll: (fds) => inThread(fds, 2, -1), close: () => {} }, false)
    : pollingOffLoop(c, fd, workerPoller(), true);
  return {
    read(buffer) {
      const first = once(fd, buffer);
      if (first === "again") return -1;
      if (first === "gone") return 0;
      waiting.reset();
      let count = first;
      let last = first;
      while (last >= LINE_DISCIPLINE_BUFFER - 1 && count < buffer.byteLength) {
        const next = once(fd, buffer.subarray(count));
        if (typeof next !== "number" || next === 0) break; // the rest comes with the next read
        last = next;
        count += next;
      }
      return count;
    },
    wait: waiting.wait,
    wake: waiting.wake,
    close: waiting.close,
  };
}
