/**
 * Where a net log's events become JSON: in a Worker (`format_worker.ts`) when the runtime can
 * start one, so that the requests' thread only records numbers and references, or on the
 * calling thread otherwise (no `Worker`, or one that fails to start, e.g. without read
 * permission for its module). Batches are answered in the order they were given.
 *
 * @module
 */
import type { NetLogCaptureMode } from "./constants.ts";
import { eventsJson } from "./event_json.ts";
import type { FormatAnswer, FormatRequest } from "./format_worker.ts";

/** Turns batches of event records into the file's bytes (or text). */
export interface EventFormatter {
  /**
   * The JSON of a buffer's events (after `,\n` when `lead`); answers keep the order of calls.
   * The buffer is handed over (to a Worker: transferred) and, once read, given to `giveBack`.
   */
  format(
    bytes: Uint8Array,
    lead: boolean,
    giveBack?: (bytes: Uint8Array) => void,
  ): Promise<Uint8Array>;
  /** Ends the Worker once every batch given is answered. */
  close(): void;
}

/** How long a Worker may take to load before the formatting is done inline instead. */
const READY_TIMEOUT_MS = 10_000;
/** How long an idle Worker is kept for the next buffer. */
const IDLE_MS = 1000;

/**
 * A formatter for one log: a Worker of its own once it has loaded, else inline.
 *
 * @example
 * ```ts
 * import { EventBuffer } from "./event_buffer.ts";
 * const formatter = await startFormatter("default");
 * const buffer = new EventBuffer();
 * buffer.event(2, 1, 1, 1, 0, 5, undefined);
 * const json = await formatter.format(buffer.take(), false);
 * formatter.close();
 * json.length > 0; // true
 * ```
 */
export async function startFormatter(mode: NetLogCaptureMode): Promise<EventFormatter> {
  if (typeof Worker !== "function") return inlineFormatter(mode);
  // The Worker of a log that ended less than a second ago, loaded and warm: no start to wait for.
  const spare = takeSpare();
  if (spare !== null) return new WorkerFormatter(spare, mode);
  let worker: Worker;
  try {
    worker = spawn();
  } catch {
    return inlineFormatter(mode);
  }
  const loaded = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    worker.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data === "ready");
    };
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      resolve(false);
    };
  });
  if (!loaded) {
    worker.terminate();
    return inlineFormatter(mode);
  }
  return new WorkerFormatter(worker, mode);
}

function inlineFormatter(mode: NetLogCaptureMode): EventFormatter {
  return {
    format: (bytes, lead, giveBack) => {
      try {
        const json = eventsJson(bytes, mode, lead);
        giveBack?.(bytes);
        return Promise.resolve(json);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close() {},
  };
}

interface Waiting {
  resolve(value: Uint8Array): void;
  reject(error: unknown): void;
  giveBack?: (bytes: Uint8Array) => void;
}

type RefWorker = Worker & { ref?(): void; unref?(): void };

let spawned = 0;
function spawn(): RefWorker {
  spawned++;
  return new Worker(new URL("./format_worker.ts", import.meta.url).href, { type: "module" });
}

/**
 * How many formatting Workers this process has started (for diagnostics and tests: logs started
 * one after another share one).
 *
 * @example
 * ```ts
 * formatWorkersStarted(); // 0 before the first net log
 * ```
 */
export function formatWorkersStarted(): number {
  return spawned;
}

/** An idle Worker kept for the next log or buffer, and the timer that ends it. */
let spare: { worker: RefWorker; timer: ReturnType<typeof setTimeout> } | null = null;

function takeSpare(): RefWorker | null {
  if (spare === null) return null;
  clearTimeout(spare.timer);
  const { worker } = spare;
  spare = null;
  return worker;
}

/** Keeps an idle Worker for {@linkcode IDLE_MS}, for whichever log formats next; then ends it. */
function park(worker: RefWorker): void {
  worker.onmessage = null;
  worker.onerror = null;
  worker.unref?.();
  if (spare !== null) {
    worker.terminate();
    return;
  }
  const timer = setTimeout(() => {
    if (spare?.worker === worker) spare = null;
    worker.terminate();
  }, IDLE_MS);
  spare = { worker, timer };
}

/**
 * Batches go to the Worker; its answers come back in order, each settling the oldest wait. An
 * idle Worker is kept {@linkcode IDLE_MS} for the next buffer (of this log or another, which then
 * waits for no Worker to load), then ends (a live one keeps a Deno process running, so a program
 * that never stops logging still exits) and a new one starts with the next buffer; a closed log's
 * Worker ends at once. On Bun the Worker is referenced only while a buffer is being formatted.
 */
class WorkerFormatter implements EventFormatter {
  #worker: RefWorker | null;
  #mode: NetLogCaptureMode;
  #waiting: Waiting[] = [];
  #head = 0;
  #closing = false;
  #failed: unknown = null;
  #idle: ReturnType<typeof setTimeout> | null = null;

  constructor(worker: Worker, mode: NetLogCaptureMode) {
    this.#mode = mode;
    this.#worker = this.#listen(worker);
  }

  format(
    bytes: Uint8Array,
    lead: boolean,
    giveBack?: (bytes: Uint8Array) => void,
  ): Promise<Uint8Array> {
    if (this.#failed !== null) return Promise.reject(this.#failed);
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = null;
    // Messages posted before a new Worker has loaded wait for it.
    const worker = this.#worker ??= this.#listen(takeSpare() ?? spawn());
    worker.ref?.();
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject, giveBack });
      const request: FormatRequest = { bytes, mode: this.#mode, lead };
      try {
        worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
      } catch (error) {
        // The Worker is gone: this buffer alone fails, in its turn.
        this.#waiting.pop();
        reject(error);
      }
    });
  }

  close(): void {
    this.#closing = true;
    this.#settled();
  }

  #listen(worker: RefWorker): RefWorker {
    worker.unref?.();
    worker.onmessage = ({ data }) => {
      if (data === "ready") return;
      const waiting = this.#waiting[this.#head++];
      const answer = data as Partial<FormatAnswer> & { error?: unknown };
      if (answer.json instanceof Uint8Array) {
        if (answer.events instanceof Uint8Array) waiting?.giveBack?.(answer.events);
        waiting?.resolve(answer.json);
      } else waiting?.reject(new Error(`net log: an event could not be written: ${data?.error}`));
      this.#settled();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`net log: the formatting Worker failed: ${event.message}`));
    };
    return worker;
  }

  #settled(): void {
    if (this.#head !== this.#waiting.length) return;
    this.#waiting = [];
    this.#head = 0;
    this.#worker?.unref?.();
    if (this.#closing) this.#end();
    else if (this.#idle === null && this.#worker !== null) {
      this.#idle = setTimeout(() => this.#end(), IDLE_MS);
    }
  }

  /**
   * Idle during the log: the Worker is kept a while for the next buffer or log. The log closed (or
   * the Worker failed): it ends now, so that a program ending after `stopLogging()` is not held.
   */
  #end(): void {
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = null;
    if (this.#worker !== null) {
      if (this.#failed === null && !this.#closing) park(this.#worker);
      else this.#worker.terminate();
    }
    this.#worker = null;
  }

  #fail(error: unknown): void {
    this.#failed = error;
    for (let i = this.#head; i < this.#waiting.length; i++) this.#waiting[i].reject(error);
    this.#waiting = [];
    this.#head = 0;
    this.#end();
  }
}
