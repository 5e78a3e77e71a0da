/**
 * A response body read ahead into memory while nobody reads it, as Electron's `IncomingMessage`
 * buffers what its URL loader receives: the transfer completes (and the request's `close` fires)
 * even when the response is never read, and a reader that comes later gets every chunk.
 *
 * @module
 */

/** What the read-ahead reports when nobody is reading. */
export interface BufferedBodyEvents {
  /** The whole body arrived. */
  complete(): void;
  /** Reading failed. */
  failed(error: unknown): void;
}

/**
 * A reader (`read()`, `cancel()`) over a body that is read ahead in the background.
 *
 * @example
 * ```ts
 * const body = new BufferedBody(new Response("hi").body!.getReader(), {
 *   complete: () => console.log("all received"),
 *   failed: (error) => console.error(error),
 * });
 * await body.read(); // { done: false, value: Uint8Array [104, 105] }
 * ```
 */
export class BufferedBody {
  #queue: Uint8Array[] = [];
  #done = false;
  #error: unknown = null;
  #failed = false;
  #cancelled = false;
  #wake: (() => void) | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array>;

  /** Starts reading `reader` to its end; `events` hear how it ends. */
  constructor(reader: ReadableStreamDefaultReader<Uint8Array>, events: BufferedBodyEvents) {
    this.#reader = reader;
    void this.#readAll(events);
  }

  async #readAll(events: BufferedBodyEvents): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (this.#cancelled) return;
        if (done) break;
        this.#queue.push(value);
        this.#notify();
      }
      this.#done = true;
      this.#notify();
      events.complete();
    } catch (error) {
      if (this.#cancelled) return;
      this.#failed = true;
      this.#error = error;
      this.#notify();
      events.failed(error);
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** The next chunk, as a stream reader answers; rejects with the read error. */
  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    for (;;) {
      if (this.#queue.length > 0) return { done: false, value: this.#queue.shift()! };
      if (this.#failed) throw this.#error;
      if (this.#done || this.#cancelled) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Stops reading and drops what was buffered. */
  cancel(reason?: unknown): Promise<void> {
    this.#cancelled = true;
    this.#queue = [];
    this.#notify();
    return this.#reader.cancel(reason).catch(() => {});
  }
}
