/**
 * Where a net log goes: the contract of a file the entry hands to the plugin (Deno and Bun give
 * one on `node:fs`, `adapters/file/text_file.ts`), and the writer that streams a NetLog into it:
 * `{"constants": ..., "events": [` first, then each event, then `], "polledData": {}}` when
 * logging stops, as Chromium's file writer lays the file out.
 *
 * Events arrive as numbers (and the strings of their params), are kept as bytes
 * ({@linkcode EventBuffer}) and become JSON a buffer at a time, through an
 * {@linkcode EventFormatter} (a Worker, off the requests' thread). With a `maxFileSize` each
 * event becomes JSON as it arrives, on the calling thread, so that its bytes are counted against
 * the limit then.
 *
 * @module
 */
import type { NetLogCaptureMode } from "./constants.ts";
import { type AddEvent, type AddHeadersEvent, EventBuffer, eventTexts } from "./event_buffer.ts";
import { eventsJson } from "./event_json.ts";
import type { EventFormatter } from "./formatter.ts";
import { type RequestRecord, type StoredCookie, writeRecord } from "./request_record.ts";

/** A file open for writing. */
export interface TextFile {
  /** Appends text, or bytes (UTF-8). */
  write(data: string | Uint8Array): Promise<void>;
  /** Closes the file (after every write). */
  close(): Promise<void>;
}

/** Creates (or truncates) a file at a path. */
export type OpenTextFile = (path: string) => Promise<TextFile>;

/** Options of {@linkcode NetLogFileWriter}. */
export interface NetLogWriterOptions {
  /** The capture mode header lines are written in. */
  mode: NetLogCaptureMode;
  /** Bound on the events' bytes: past it no event is added and `onFull` is called once. */
  maxFileSize: number | null;
  /** Called once when `maxFileSize` is reached (the owner stops logging). */
  onFull: () => void;
  /** Where buffers become JSON (default: on the calling thread); closed by `finish()`. */
  formatter?: EventFormatter;
}

const encoder = new TextEncoder();
/** Bytes of events held before they become JSON and are written (some five hundred requests, or what 200 ms bring): each buffer handed to the Worker wakes its thread. */
const FLUSH_EVENT_BYTES = 983040;
/** Bytes of JSON held before a write, with a `maxFileSize`. */
const FLUSH_BYTES = 32768;

/**
 * Streams one NetLog into a file; the file is valid JSON once
 * {@linkcode NetLogFileWriter.finish} resolves.
 *
 * @example
 * ```ts ignore
 * const writer = new NetLogFileWriter(file, constants, { mode: "default", maxFileSize: null, onFull() {} });
 * writer.add(2, 1, 1, 1, 0, 5, undefined);
 * await writer.finish();
 * ```
 */
export class NetLogFileWriter {
  #file: TextFile;
  #mode: NetLogCaptureMode;
  #buffer = new EventBuffer();
  #pending: string[] = [];
  #pendingBytes = 0;
  #written = 0;
  #first = true;
  #chain: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #maxFileSize: number | null;
  #onFull: () => void;
  #full = false;
  #error: unknown = null;
  #formatter: EventFormatter | null;

  /** Starts the file with the constants. */
  constructor(file: TextFile, constants: Record<string, unknown>, options: NetLogWriterOptions) {
    this.#file = file;
    this.#mode = options.mode;
    this.#maxFileSize = options.maxFileSize;
    this.#onFull = options.onFull;
    this.#formatter = options.formatter ?? null;
    this.addRecord = this.#maxFileSize !== null ? undefined : (record, stored) => {
      if (this.#full) return;
      writeRecord(this.#buffer, record, stored);
      this.#added();
    };
    this.#enqueue(`{"constants":${JSON.stringify(constants)},\n"events": [\n`);
  }

  /** Adds one event: its type's and phase's numbers, its source's id, type and start, its time. */
  add: AddEvent = (type, phase, sourceId, sourceType, sourceStart, time, params) => {
    if (this.#full) return;
    this.#buffer.event(type, phase, sourceId, sourceType, sourceStart, time, params);
    this.#added();
  };

  /** Adds one event whose params are header lines (see {@linkcode EventBuffer.headersEvent}). */
  addHeaders: AddHeadersEvent = (type, phase, id, sType, start, time, line, first, headers) => {
    if (this.#full) return;
    this.#buffer.headersEvent(type, phase, id, sType, start, time, line, first, headers);
    this.#added();
  };

  /**
   * Adds a request's record (`request_record.ts`), its events made with the JSON; undefined with a
   * `maxFileSize`, where each event is counted against the limit as it comes.
   */
  readonly addRecord:
    | ((record: RequestRecord, stored: readonly StoredCookie[] | null) => void)
    | undefined;

  /** Writes what is pending and the end of the file, then closes it. */
  async finish(): Promise<void> {
    this.#flush();
    this.#enqueue(`\n],\n"polledData": {}\n}\n`);
    await this.#chain;
    this.#formatter?.close();
    await this.#file.close();
    if (this.#error !== null) throw this.#error;
  }

  #added(): void {
    if (this.#maxFileSize === null) {
      // Kept as bytes until the buffer is full enough (or 200 ms pass): then JSON in one go.
      if (this.#buffer.length >= FLUSH_EVENT_BYTES) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), 200);
      return;
    }
    // With a limit the event becomes JSON now, its bytes counted exactly; each event but the
    // first is preceded by ",\n".
    for (const json of eventTexts(this.#buffer.drain(), this.#mode)) {
      const size = encoder.encode(json).length + 2;
      if (this.#written + this.#pendingBytes + size > this.#maxFileSize) {
        this.#full = true;
        queueMicrotask(this.#onFull);
        return;
      }
      this.#pendingBytes += size;
      this.#pending.push(json);
    }
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), 200);
  }

  #flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    let text: string;
    if (this.#buffer.length > 0) {
      const buffer = this.#buffer;
      const bytes = buffer.take();
      if (this.#formatter !== null) {
        this.#enqueue(this.#formatter.format(bytes, !this.#first, (b) => buffer.giveBack(b)));
      } else {
        this.#enqueue(eventsJson(bytes, this.#mode, !this.#first));
        buffer.giveBack(bytes);
      }
      this.#first = false;
      return;
    } else if (this.#pending.length > 0) {
      text = this.#pending.join(",\n");
      this.#written += this.#pendingBytes;
      this.#pending = [];
      this.#pendingBytes = 0;
    } else return;
    this.#enqueue(this.#first ? text : ",\n" + text);
    this.#first = false;
  }

  #enqueue(data: string | Uint8Array | Promise<string | Uint8Array>): void {
    // A buffer still being formatted is written in its turn; its failure is the chain's.
    if (data instanceof Promise) data.catch(() => {});
    this.#chain = this.#chain.then(async () => this.#file.write(await data)).catch((error) => {
      this.#error ??= error;
    });
  }
}
