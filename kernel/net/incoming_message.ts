/**
 * `IncomingMessage`: the response of a `ClientRequest`, as in Electron: status, headers, and the
 * body as `data`/`end` events (flowing once a `data` listener is added or `resume()` is called),
 * an async iterator, or the Web `ReadableStream` on `body`.
 *
 * @module
 */
import type { NetError } from "../errors.ts";
import { toNetError } from "../http/to_net_error.ts";
import { electronError } from "./_electron_error.ts";
import { NodeEmitter } from "../events.ts";
import { BufferedBody } from "./_buffered_body.ts";
import { electronHeaders } from "./_response_headers.ts";

/** Bodies up to this size with a Content-Length are read at once. */
const SMALL_BODY = 64 * 1024;

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const kAbort: unique symbol = Symbol("IncomingMessage.abort");
const kBuffer: unique symbol = Symbol("IncomingMessage.buffer");

/** What the message reads its body from: the response's stream, or the read-ahead buffer. */
type BodyReader = Pick<ReadableStreamDefaultReader<Uint8Array>, "read" | "cancel">;

/** A destination of `pipe()`: a Node writable stream, or anything with `write` and `end`. */
export interface PipeDestination {
  /** Takes a chunk; false asks the source to wait for `drain`. */
  write(chunk: Uint8Array | string): boolean | void;
  /** Ends the destination. */
  end?(): unknown;
  /** Node's `once` (for `drain`), when the destination has it. */
  once?(event: string, listener: () => void): unknown;
}

type BufferLike = { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array };
// Read on first use, not at import: on Deno the global Buffer starts the Node layer (issue #24).
let cachedBuffer: BufferLike | null | undefined;
const nodeBuffer = (): BufferLike | null =>
  cachedBuffer === undefined
    ? (cachedBuffer = (globalThis as { Buffer?: BufferLike }).Buffer ?? null)
    : cachedBuffer;

function chunkOf(bytes: Uint8Array): Uint8Array {
  const NodeBuffer = nodeBuffer();
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/** Options of the constructor (used by `ClientRequest`). */
export interface IncomingMessageInit {
  /** Called once: null when the body was read to its end, the error when it failed. */
  onDone?: (error: NetError | null) => void;
  /** Aborts reading on this signal. */
  signal?: AbortSignal;
  /** Receives what a listener threw. */
  onListenerError?: (error: unknown, eventName: string) => void;
  /** The URLs the request traversed, first to last (default: the response's URL). */
  urlList?: readonly string[];
}

/**
 * An HTTP response of `net.request()`. Events: `data` (a chunk: a `Buffer` where the runtime has
 * one, else a `Uint8Array`; a string after `setEncoding`), `end`, `aborted`, `error`, `close`.
 *
 * @example
 * ```ts
 * import { net } from "./mod.ts";
 * const request = net.request("http://127.0.0.1:8000/");
 * request.on("response", (response) => {
 *   console.log(response.statusCode, response.headers["content-type"]);
 *   response.on("data", (chunk) => console.log(chunk.length));
 *   response.on("end", () => console.log("done"));
 * });
 * request.end();
 * ```
 */
export class IncomingMessage extends NodeEmitter {
  /** The status code, e.g. 200. */
  readonly statusCode: number;
  /** The status text ("" over HTTP/2). */
  readonly statusMessage: string;
  #response: Response;
  #reader: BodyReader | null = null;
  #pipes = new Map<PipeDestination, { data: (chunk: Uint8Array) => void; end: () => void }>();
  #state: "idle" | "flowing" | "paused" | "taken" | "ended" | "errored" | "aborted" = "idle";
  #held: Uint8Array | null = null;
  #pumping = false;
  #drained = false;
  #headers: Record<string, string | string[]> | null = null;
  #decoder: TextDecoder | null = null;
  #init: IncomingMessageInit;

  /** Made by `ClientRequest` from a fetch `Response`. */
  constructor(response: Response, init: IncomingMessageInit = {}) {
    super();
    this.#response = response;
    this.#init = init;
    this.statusCode = response.status;
    this.statusMessage = response.statusText;
  }

  /** `data`: a chunk of the body (a string after `setEncoding`). */
  override on(event: "data", listener: (chunk: Uint8Array) => void): this;
  /** `error`: reading the body failed (a `NetError`); `close` follows. */
  override on(event: "error", listener: (error: NetError) => void): this;
  /** `end`, `aborted`, `close`. */
  override on(event: "end" | "aborted" | "close", listener: () => void): this;
  /** Any other event. */
  // deno-lint-ignore no-explicit-any
  override on(event: string, listener: (...args: any[]) => unknown): this;
  /** Adds a listener. */
  // deno-lint-ignore no-explicit-any
  override on(event: string, listener: (...args: any[]) => unknown): this {
    return super.on(event, listener);
  }

  /** Like `on`, for one call. */
  override once(event: "data", listener: (chunk: Uint8Array) => void): this;
  /** Like `on`, for one call. */
  // deno-lint-ignore no-explicit-any
  override once(event: string, listener: (...args: any[]) => unknown): this;
  /** Adds a listener removed after its first call. */
  // deno-lint-ignore no-explicit-any
  override once(event: string, listener: (...args: any[]) => unknown): this {
    return super.once(event, listener);
  }

  /**
   * The headers as Electron shapes them: lower-case names; a repeated discardable header
   * (`content-type`, `content-length`, `location`, ...) keeps its first value; `set-cookie` is an
   * array; a repeated `cookie` is joined with `; `, other repeated headers with `, `.
   */
  get headers(): Record<string, string | string[]> {
    this.#headers ??= electronHeaders(this.#response.headers);
    return this.#headers;
  }

  /**
   * The chain of URLs the request traversed: the requested URL, then each redirect's target (one
   * element without a redirect). A copy: changing it changes nothing.
   */
  get urlList(): string[] {
    if (this.#init.urlList) return [...this.#init.urlList];
    return this.#response.url ? [this.#response.url] : [];
  }

  /** Names and values alternating, as received (`set-cookie` lines apart). */
  get rawHeaders(): string[] {
    const raw: string[] = [];
    for (const [name, value] of this.#response.headers) {
      if (name !== "set-cookie") raw.push(name, value);
    }
    for (const cookie of this.#response.headers.getSetCookie()) raw.push("set-cookie", cookie);
    return raw;
  }

  /** For `ClientRequest` (through `abortMessage`): stops reading, returns what emits the events. */
  [kAbort](): (() => void) | null {
    return this.#abort();
  }

  /** For `ClientRequest` (through `bufferUnread`): reads the body ahead while nobody reads it. */
  [kBuffer](): void {
    if (this.#state !== "idle" || this.#reader !== null) return;
    const stream = this.#response.body ?? new ReadableStream({ start: (c) => c.close() });
    this.#reader = new BufferedBody(stream.getReader(), {
      complete: () => {
        if (this.#state === "idle") this.#init.onDone?.(null);
      },
      failed: (error) => {
        if (this.#state === "idle") this.#fail(toNetError(error, this.#init.signal));
      },
    });
  }

  /** The HTTP version of the response, as Node and Electron report it (`1.1`). */
  get httpVersion(): string {
    return `${this.httpVersionMajor}.${this.httpVersionMinor}`;
  }

  /** The major HTTP version (1). */
  get httpVersionMajor(): number {
    return 1;
  }

  /** The minor HTTP version (1). */
  get httpVersionMinor(): number {
    return 1;
  }

  /** Whether the body can still be read (Node's `readable`). */
  get readable(): boolean {
    return this.#state === "idle" || this.#state === "flowing" || this.#state === "paused";
  }

  /**
   * Sends the body to a Node writable stream (or anything with `write`/`end`), pausing while it
   * asks to (`write()` returning false, until `drain`); ends it after the body unless
   * `{ end: false }`. Returns the destination, as Node's `pipe`.
   */
  pipe<T extends PipeDestination>(destination: T, options: { end?: boolean } = {}): T {
    const data = (chunk: Uint8Array) => {
      if (destination.write(chunk) === false && typeof destination.once === "function") {
        this.pause();
        destination.once("drain", () => this.resume());
      }
    };
    const end = () => {
      this.unpipe(destination);
      if (options.end !== false) destination.end?.();
    };
    this.#pipes.set(destination, { data, end });
    this.on("end", end);
    this.on("data", data);
    return destination;
  }

  /** Stops sending the body to `destination` (to every destination when absent). */
  unpipe(destination?: PipeDestination): this {
    for (const [dest, { data, end }] of [...this.#pipes]) {
      if (destination !== undefined && dest !== destination) continue;
      this.off("data", data);
      this.off("end", end);
      this.#pipes.delete(dest);
    }
    return this;
  }

  /** Stops reading: `aborted` (when the body was not complete) then `close`. */
  destroy(error?: Error): this {
    const announce = this.#abort();
    if (announce) {
      if (error) this.emit("error", error);
      announce();
      this.#init.onDone?.(null);
    }
    return this;
  }

  /** Whether the whole body was received. */
  get complete(): boolean {
    return this.#state === "ended";
  }

  /**
   * The body as a Web `ReadableStream` (instead of `data` events). `end` or `error` still follow
   * when it is read to its end or fails. Throws a TypeError when the body is already being read.
   */
  get body(): ReadableStream<Uint8Array> {
    if (this.#state !== "idle") {
      throw new TypeError("The response body is already being read");
    }
    this.#state = "taken";
    const reader = this.#readerOf();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const { done, value } = await reader.read();
          if (this.#state === "aborted") return controller.error(abortError());
          if (done) {
            controller.close();
            this.#end();
          } else controller.enqueue(value);
        } catch (error) {
          const netError = toNetError(error, this.#init.signal);
          controller.error(netError);
          this.#fail(netError);
        }
      },
      cancel: (reason) => {
        const announce = this.#abort();
        if (announce) {
          announce();
          this.#init.onDone?.(null);
        }
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
  }

  /** Makes `data` events carry strings decoded with `encoding` (`utf8`, `latin1`, ...). */
  setEncoding(encoding: string): this {
    this.#decoder = new TextDecoder(encoding === "latin1" ? "iso-8859-1" : encoding);
    return this;
  }

  /** Starts (or restarts) the flow of `data` events. */
  resume(): this {
    if (this.#state === "idle" || this.#state === "paused") {
      this.#state = "flowing";
      // The pump awaits before any event, except for a chunk held while paused: that one waits
      // for a microtask so that no `data` is emitted inside `resume()`.
      if (this.#held) queueMicrotask(() => this.#pump());
      else void this.#pump();
    }
    return this;
  }

  /** Stops the flow of `data` events until `resume()`. */
  pause(): this {
    if (this.#state === "flowing") this.#state = "paused";
    return this;
  }

  /** Whether `data` events are paused. */
  isPaused(): boolean {
    return this.#state === "paused";
  }

  /** Reads the body chunk by chunk (`for await (const chunk of response)`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    const reader = this.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield chunkOf(value);
    }
  }

  /** Starts the flow of `data` events when a `data` listener is added. */
  protected override listenerAdded(eventName: string): void {
    if (eventName === "data") this.resume();
  }

  /** Reports what a listener threw. */
  protected override listenerFailed(error: unknown, eventName: string): void {
    if (this.#init.onListenerError) this.#init.onListenerError(error, eventName);
    else super.listenerFailed(error, eventName);
  }

  #readerOf(): BodyReader {
    this.#reader ??= (this.#response.body ?? new ReadableStream({ start: (c) => c.close() }))
      .getReader();
    return this.#reader;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      if (this.#reader === null && !this.#drained && this.#isSmall()) {
        // A small body of known length arrives whole: read it natively, not chunk by chunk.
        const bytes = new Uint8Array(await this.#response.arrayBuffer());
        const state: string = this.#state;
        if (state === "aborted" || state === "errored") return;
        this.#drained = true;
        if (bytes.byteLength > 0) this.#held = bytes;
      }
      while (this.#state === "flowing") {
        if (this.#held) {
          const held = this.#held;
          this.#held = null;
          this.#data(held);
          continue;
        }
        if (this.#drained) return this.#end();
        const { done, value } = await this.#readerOf().read();
        const state: string = this.#state;
        if (state === "aborted" || state === "errored") return;
        if (done) return this.#end();
        if (state === "paused") this.#held = value;
        else this.#data(value);
      }
    } catch (error) {
      this.#fail(toNetError(error, this.#init.signal));
    } finally {
      this.#pumping = false;
    }
  }

  #isSmall(): boolean {
    // Not `response.body === null`: touching `body` makes a stream and loses the fast read.
    if (NULL_BODY.has(this.statusCode)) return true;
    const length = this.#response.headers.get("content-length");
    return length !== null && /^\d{1,5}$/.test(length) && Number(length) <= SMALL_BODY;
  }

  #data(bytes: Uint8Array): void {
    if (this.#decoder) {
      const text = this.#decoder.decode(bytes, { stream: true });
      if (text) this.emit("data", text);
    } else this.emit("data", chunkOf(bytes));
  }

  #end(): void {
    if (this.#state === "ended" || this.#state === "errored" || this.#state === "aborted") return;
    if (this.#decoder) {
      const rest = this.#decoder.decode();
      if (rest) this.emit("data", rest);
    }
    this.#state = "ended";
    this.emit("end");
    this.emit("close");
    this.#init.onDone?.(null);
  }

  #fail(error: NetError): void {
    if (this.#state === "ended" || this.#state === "errored" || this.#state === "aborted") return;
    this.#state = "errored";
    error = electronError(error);
    this.emit("error", error);
    this.emit("close");
    this.#init.onDone?.(error);
  }

  #abort(): (() => void) | null {
    if (this.#state === "ended" || this.#state === "errored" || this.#state === "aborted") {
      return null;
    }
    this.#state = "aborted";
    this.#held = null;
    if (this.#reader) this.#reader.cancel().catch(() => {});
    else this.#response.body?.cancel().catch(() => {});
    return () => {
      this.emit("aborted");
      this.emit("close");
    };
  }
}

/**
 * Stops a message because its request was aborted; returns the function that emits `aborted`
 * then `close` (no `end`, no `error`), or null when the message had already ended. For
 * `ClientRequest`.
 *
 * @example
 * ```ts
 * // const announce = abortMessage(response); later: announce?.();
 * ```
 */
export function abortMessage(message: IncomingMessage): (() => void) | null {
  return message[kAbort]();
}

/**
 * Reads the body of a message ahead while nobody reads it, so that the transfer completes (Electron
 * buffers an unread response). For `ClientRequest`, right after `response` is emitted.
 *
 * @example
 * ```ts
 * // request.emit("response", message); bufferUnread(message);
 * ```
 */
export function bufferUnread(message: IncomingMessage): void {
  message[kBuffer]();
}

/**
 * Turns fetch `Headers` into Electron's record: lower-case names, arrays of values.
 *
 * @example
 * ```ts
 * headersRecord(new Headers({ "Content-Type": "text/plain" })); // { "content-type": ["text/plain"] }
 * ```
 */
export function headersRecord(headers: Headers): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of headers) {
    if (name !== "set-cookie") out[name] = [value];
  }
  const cookies = headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  return out;
}

function abortError(): NetError {
  return toNetError(new DOMException("The request was aborted", "AbortError"));
}
