/**
 * The streamed body of a chunked `ClientRequest`: writes queue up, the transport pulls them one
 * by one, and the writer learns when to wait (`write()` returning false, then `drain`) so that a
 * large upload never sits in memory.
 *
 * @module
 */
import { NetError } from "../errors.ts";

/** Bytes queued above which `write()` returns false (Node's default for writable streams). */
export const HIGH_WATER_MARK = 16 * 1024;

interface Pending {
  bytes: Uint8Array;
  callback?: (error?: Error | null) => void;
}

/** What the queue tells its owner. */
export interface BodyQueueEvents {
  /** The transport took `bytes` more bytes. */
  pulled(bytes: number): void;
  /** The queue went below the high-water mark after a write returned false. */
  drain(): void;
  /** The last chunk was taken and the stream closed. */
  finished(): void;
}

/**
 * A pull-driven byte stream fed by `push()`.
 *
 * @example
 * ```ts
 * const queue = new BodyQueue({ pulled() {}, drain() {}, finished() {} });
 * queue.push(new Uint8Array(4));
 * queue.close();
 * await new Response(queue.stream).arrayBuffer(); // 4 bytes
 * ```
 */
export class BodyQueue {
  /** The stream the transport reads. */
  readonly stream: ReadableStream<Uint8Array>;
  #queue: Pending[] = [];
  #queued = 0;
  #closed = false;
  #failed: Error | null = null;
  #needDrain = false;
  #wake: (() => void) | null = null;
  #events: BodyQueueEvents;

  /** Makes an empty queue. */
  constructor(events: BodyQueueEvents) {
    this.#events = events;
    this.stream = new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(controller),
      // The transport stopped reading (e.g. the server answered early): what is left is not sent.
      cancel: (reason) =>
        this.fail(
          reason instanceof Error ? reason : new NetError(
            "net::ERR_ABORTED",
            "The request body stopped being read before this chunk was sent",
          ),
        ),
    }, { highWaterMark: 0 });
  }

  /** Queues a chunk; returns false when the writer should wait for `drain`. */
  push(bytes: Uint8Array, callback?: (error?: Error | null) => void): boolean {
    if (this.#failed) {
      const failed = this.#failed;
      if (callback) queueMicrotask(() => callback(failed));
      return false;
    }
    this.#queue.push({ bytes, callback });
    this.#queued += bytes.byteLength;
    this.#wakeUp();
    const ok = this.#queued < HIGH_WATER_MARK;
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** No more chunks: the stream closes once the queue is empty. */
  close(): void {
    this.#closed = true;
    this.#wakeUp();
  }

  /** The request failed: pending callbacks get the error and later writes are refused. */
  fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = error;
    for (const { callback } of this.#queue.splice(0)) {
      if (callback) queueMicrotask(() => callback(error));
    }
    this.#queued = 0;
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (this.#failed) return controller.error(this.#failed);
      const next = this.#queue.shift();
      if (next) {
        this.#queued -= next.bytes.byteLength;
        controller.enqueue(next.bytes);
        this.#events.pulled(next.bytes.byteLength);
        if (next.callback) queueMicrotask(() => next.callback!(null));
        if (this.#needDrain && this.#queued < HIGH_WATER_MARK) {
          this.#needDrain = false;
          queueMicrotask(() => this.#events.drain());
        }
        return;
      }
      if (this.#closed) {
        controller.close();
        this.#events.finished();
        return;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}
