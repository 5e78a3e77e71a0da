/**
 * The bytes a socket has sent and nobody has read yet, for the relay's HTTP/1.1 parsing: heads
 * are read whole, bodies are taken as they come, and what follows one message stays for the next
 * (keep-alive). The socket is paused while too much is waiting.
 *
 * @module
 */
import type { Socket } from "node:net";

const EMPTY = new Uint8Array(0);
/** Paused above this many unread bytes, resumed when a reader takes them. */
const HIGH_WATER = 256 * 1024;
const latin1 = new TextDecoder("latin1");

/** A message head that does not fit in the limit, or a connection that closed inside one. */
export class HeadError extends Error {
  /** Whether the connection closed inside the head (else it was too big). */
  readonly truncated: boolean;
  /** Makes one. */
  constructor(truncated: boolean) {
    super(truncated ? "Connection closed inside a message head" : "Message head too big");
    this.truncated = truncated;
  }
}

/**
 * Reads a socket's bytes on demand.
 *
 * @example
 * ```ts ignore
 * const reader = new ByteReader(socket);
 * const lines = await reader.head(64 * 1024); // ["GET http://a/ HTTP/1.1", "Host: a"]
 * ```
 */
export class ByteReader {
  /** The socket read. */
  readonly socket: Socket;
  #buffer: Uint8Array = EMPTY;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  /** Whether the socket sent any byte since {@link ByteReader.mark} (or since it opened). */
  received = false;
  #onData = (chunk: Uint8Array) => {
    this.received = true;
    if (this.#buffer.length === 0) this.#buffer = chunk;
    else {
      const joined = new Uint8Array(this.#buffer.length + chunk.length);
      joined.set(this.#buffer);
      joined.set(chunk, this.#buffer.length);
      this.#buffer = joined;
    }
    if (this.#buffer.length > HIGH_WATER) this.socket.pause();
    this.#notify();
  };
  #onEnd = () => {
    this.#ended = true;
    this.#notify();
  };
  #onError = (error: Error) => {
    this.#error ??= error;
    this.#onEnd();
  };

  /** Starts reading `socket`. */
  constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
    socket.on("error", this.#onError);
    socket.resume();
  }

  /** The bytes waiting (not taken). */
  get buffered(): Uint8Array {
    return this.#buffer;
  }

  /** Whether the socket ended or closed (what is buffered can still be read). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The socket's error, if it failed. */
  get error(): Error | null {
    return this.#error;
  }

  /** Ends reading with `error` (a timeout, an abort): waiting reads see it. */
  fail(error: Error): void {
    this.#onError(error);
  }

  /** Forgets that bytes were received (before a request is written). */
  mark(): void {
    this.received = this.#buffer.length > 0;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Takes the first `n` waiting bytes (n <= buffered.length). */
  take(n: number): Uint8Array {
    const out = this.#buffer.subarray(0, n);
    this.#buffer = n === this.#buffer.length ? EMPTY : this.#buffer.subarray(n);
    if (this.#buffer.length <= HIGH_WATER && this.socket.isPaused() && !this.#ended) {
      this.socket.resume();
    }
    return out;
  }

  /** Waits for more bytes; false when the socket ended first. */
  more(): Promise<boolean> {
    if (this.#ended) return Promise.resolve(false);
    const before = this.#buffer.length;
    if (this.socket.isPaused()) this.socket.resume();
    return new Promise((resolve) => {
      this.#wake = () => resolve(this.#buffer.length > before);
    });
  }

  /**
   * The lines of the next message head (without its blank line), taken from the buffer; null
   * when the socket ended before a byte of it. Throws a {@link HeadError} when it ends inside
   * the head or the head exceeds `limit`.
   */
  async head(limit: number): Promise<string[] | null> {
    let from = 0;
    for (;;) {
      const bytes = this.#buffer;
      // each LF found by the native indexOf, then the three bytes before it looked at
      for (let i = bytes.indexOf(10, Math.max(from, 3)); i !== -1; i = bytes.indexOf(10, i + 1)) {
        if (bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
          const text = latin1.decode(bytes.subarray(0, i - 3));
          this.take(i + 1);
          return text.split("\r\n");
        }
      }
      from = bytes.length;
      if (bytes.length > limit) throw new HeadError(false);
      if (!(await this.more())) {
        if (this.#buffer.length === 0) return null;
        throw new HeadError(true);
      }
    }
  }

  /**
   * Stops reading: the socket is paused and left without the reader's listeners, and the bytes
   * still waiting are returned (for a tunnel).
   */
  detach(): Uint8Array {
    this.socket.pause();
    this.socket.off("data", this.#onData);
    this.socket.off("end", this.#onEnd);
    this.socket.off("close", this.#onEnd);
    this.socket.off("error", this.#onError);
    const rest = this.#buffer;
    this.#buffer = EMPTY;
    return rest;
  }
}
