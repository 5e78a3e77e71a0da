/**
 * A net log's events as the recorder keeps them on the request's path: bytes in a buffer outside
 * the JavaScript heap (numbers, and strings copied in as UTF-8), no object or string kept per
 * event, so the garbage collector has nothing to carry from one request to the next. A filled
 * buffer is turned into Chromium's event JSON later by {@linkcode eventsText}, in the formatting
 * Worker (`format_worker.ts`) or, without one, on the calling thread.
 *
 * An event: kind (u8: 0 no params, 1 params as JSON text, 2 header lines, 3 flat params), phase
 * (u8), type (u16), source id (u32), source type (u8), source start (f64), time (f64), then its
 * params: kind 1 one string; kind 2 flags (u8: 1 a request line, 2 a first line), those strings,
 * a count (u16) and that many header name/value string pairs; kind 3 a count (u8) and that many
 * keys (strings), each followed by its value: a tag (u8: 0 an ASCII string, then it; 1 JSON text,
 * then it; 2 a number, f64; 3 true; 4 false; 5 null; 6 a nested object, its count and fields
 * the same way). A string: its UTF-8 length (u32), then its bytes. Kind 6 is a request's record
 * instead (`request_record.ts`: its own layout, no event head), read back into its events.
 *
 * Kind 3 is how params are written: no `JSON.stringify` on the request's path for the objects of
 * string, number and boolean fields most events have (only an array, a non-ASCII string or an
 * object of a class becomes JSON there); the JSON is the same, made later. Hand-written where
 * `JSON.stringify` would do, because it is cheaper on the request's path: writing one request's
 * ~30 events took 10.9-11.7 µs against 16.2-20.3 µs with `JSON.stringify` (both encoders in one
 * process, interleaved, load 10; `bench netlog` itself did not show it above its noise).
 *
 * @module
 */
import type { NetLogCaptureMode } from "./constants.ts";
import { headerLine } from "./sensitive_headers.ts";
import { expandRecord } from "./request_record.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** A new buffer's size. */
const BUFFER_BYTES = 1048576;
const FIXED = 25;
/** The bytes of an event's head (kind, phase, type, source id, type and start, time). */
export const EVENT_HEAD_BYTES: number = FIXED;
/** Writes an event's kind and head. */
type WriteHead = (kind: number, ...event: EventHead) => void;

/** The fields every event starts with: its type's and phase's numbers, its source, its time. */
export type EventHead = [
  type: number,
  phase: number,
  sourceId: number,
  sourceType: number,
  sourceStart: number,
  time: number,
];

/**
 * Adds one event: its head and its params (made JSON), positional so that no object is made per
 * event.
 *
 * @example
 * ```ts
 * const add: AddEvent = (type, phase) => console.log(type, phase);
 * add(2, 1, 1, 1, 0, 5, undefined);
 * ```
 */
export type AddEvent = (
  ...event: [...EventHead, params: Record<string, unknown> | undefined]
) => void;

/**
 * Adds one event whose params are header lines: `line` (a request line) and `first` (a status
 * line) when not null, then `headers` as lines made later in the log's capture mode.
 *
 * @example
 * ```ts
 * const addHeaders: AddHeadersEvent = (type, _phase, _id, _st, _ss, _t, line) => console.log(type, line);
 * addHeaders(3, 0, 1, 1, 0, 5, "GET / HTTP/1.1\r\n", null, new Headers());
 * ```
 */
export type AddHeadersEvent = (
  ...event: [...EventHead, line: string | null, first: string | null, headers: Headers]
) => void;

/**
 * Writes events into a buffer, growing it when one event needs more room.
 *
 * @example
 * ```ts
 * const buffer = new EventBuffer();
 * buffer.event(2, 1, 1, 1, 0, 5, undefined);
 * eventsText(buffer.take(), "default");
 * // '{"phase":1,"source":{"id":1,"start_time":"0","type":1},"time":"5","type":2}'
 * ```
 */
export class EventBuffer {
  #size: number;
  #bytes: Uint8Array;
  #view: DataView;
  #at = 0;
  /** Taken buffers given back once read, for the next take (no new buffer to fault in). */
  #spare: ArrayBuffer[] = [];

  /** A buffer of `size` bytes to begin with (1 MiB unless told). */
  constructor(size: number = BUFFER_BYTES) {
    this.#size = size;
    this.#bytes = new Uint8Array(size);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** Bytes written since the last {@linkcode EventBuffer.take}. */
  get length(): number {
    return this.#at;
  }

  /** One event; its params (if any) as fields (JSON made later; see the module's doc). */
  event: AddEvent = (type, phase, sourceId, sourceType, sourceStart, time, params) => {
    this.#head(params === undefined ? 0 : 3, type, phase, sourceId, sourceType, sourceStart, time);
    if (params !== undefined) this.#fields(params);
  };

  #fields(params: Record<string, unknown>, depth = 0): void {
    this.#room(1);
    const countAt = this.#at++;
    let count = 0;
    for (const key in params) {
      if (!Object.hasOwn(params, key)) continue;
      const value = params[key];
      // As JSON.stringify: undefined, functions and symbols leave their key out.
      if (value === undefined || typeof value === "function" || typeof value === "symbol") {
        continue;
      }
      if (count === 255) {
        // More fields than a count holds (never from the recorder): the whole object as JSON,
        // its kind (or its tag, nested) then 1.
        this.#bytes[depth === 0 ? countAt - FIXED : countAt - 1] = 1;
        this.#at = countAt;
        this.#string(JSON.stringify(params));
        return;
      }
      count++;
      this.#string(key);
      this.#room(9);
      if (typeof value === "string") {
        if (this.#ascii(value)) continue;
        this.#bytes[this.#at++] = 1;
        this.#string(JSON.stringify(value));
      } else if (typeof value === "number") {
        this.#bytes[this.#at] = 2;
        this.#view.setFloat64(this.#at + 1, value);
        this.#at += 9;
      } else if (value === true) this.#bytes[this.#at++] = 3;
      else if (value === false) this.#bytes[this.#at++] = 4;
      else if (value === null) this.#bytes[this.#at++] = 5;
      else if (depth < 4 && plain(value)) {
        // A nested plain object (a source_dependency, say): its fields the same way.
        this.#bytes[this.#at++] = 6;
        this.#fields(value as Record<string, unknown>, depth + 1);
      } else {
        this.#bytes[this.#at++] = 1;
        this.#string(JSON.stringify(value));
      }
    }
    this.#bytes[countAt] = count;
  }

  /** Writes tag 0 and `text` when it is ASCII (then true); else writes nothing. */
  #ascii(text: string): boolean {
    this.#room(5 + text.length);
    const bytes = this.#bytes;
    const start = this.#at + 5;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) return false;
      bytes[start + i] = code;
    }
    bytes[this.#at] = 0;
    this.#view.setUint32(this.#at + 1, text.length);
    this.#at = start + text.length;
    return true;
  }

  /**
   * An event whose params are header lines: `{"headers": [first?, ...headers]}`, with
   * `"line"` after them when there is a request line. The lines are made by
   * {@linkcode eventsText} in the log's capture mode; `set-cookie` lines come last, one each.
   */
  headersEvent: AddHeadersEvent = (type, phase, id, sType, start, time, line, first, headers) => {
    this.#headersHead(type, phase, id, sType, start, time, line, first);
    const countAt = this.#at;
    this.#at += 2;
    let count = 0;
    let cookies = false;
    headers.forEach((value, name) => {
      if (name === "set-cookie") cookies = true;
      else {
        this.#string(name);
        this.#string(value);
        count++;
      }
    });
    if (cookies) {
      for (const value of headers.getSetCookie()) {
        this.#string("set-cookie");
        this.#string(value);
        count++;
      }
    }
    this.#view.setUint16(countAt, count);
  };

  /**
   * An event like {@linkcode EventBuffer.headersEvent} whose header names and values are given in
   * turn (`set-cookie` ones last), as a request's record keeps them.
   */
  headerPairsEvent(
    ...[type, phase, id, sType, start, time, line, first, pairs]: [
      ...EventHead,
      line: string | null,
      first: string | null,
      pairs: readonly string[],
    ]
  ): void {
    this.#headersHead(type, phase, id, sType, start, time, line, first);
    this.#view.setUint16(this.#at, pairs.length >> 1);
    this.#at += 2;
    for (const text of pairs) this.#string(text);
  }

  /** A headers event's head, flags, request line and first line; room for its count made. */
  #headersHead(
    ...[type, phase, id, sType, start, time, line, first]: [
      ...EventHead,
      line: string | null,
      first: string | null,
    ]
  ): void {
    this.#head(2, type, phase, id, sType, start, time);
    this.#room(1);
    this.#bytes[this.#at++] = (line === null ? 0 : 1) | (first === null ? 0 : 2);
    if (line !== null) this.#string(line);
    if (first !== null) this.#string(first);
    this.#room(2);
  }

  /** A record's byte (its kind first; `request_record.ts`). */
  byte(value: number): void {
    this.#room(1);
    this.#bytes[this.#at++] = value;
  }

  /** A record's number. */
  number(value: number): void {
    this.#room(8);
    this.#view.setFloat64(this.#at, value);
    this.#at += 8;
  }

  /** A record's string. */
  text(value: string): void {
    this.#string(value);
  }

  /** The bytes written so far (a view of a buffer of its own, which may be transferred). */
  take(): Uint8Array {
    const taken = this.#bytes.subarray(0, this.#at);
    const spare = this.#spare.pop();
    this.#bytes = spare !== undefined ? new Uint8Array(spare) : new Uint8Array(this.#size);
    this.#view = new DataView(this.#bytes.buffer);
    this.#at = 0;
    return taken;
  }

  /**
   * Gives back the buffer of bytes {@linkcode EventBuffer.take} gave, once they are read (a Worker
   * sends it back): the next take writes into it rather than into a new one.
   */
  giveBack(taken: Uint8Array): void {
    const buffer = taken.buffer;
    if (
      buffer instanceof ArrayBuffer && buffer.byteLength === this.#size && this.#spare.length < 2
    ) {
      this.#spare.push(buffer);
    }
  }

  /** The bytes written so far, to be read at once: the buffer is written over next. */
  drain(): Uint8Array {
    const drained = this.#bytes.subarray(0, this.#at);
    this.#at = 0;
    return drained;
  }

  // Typed by the tuple, with plain parameters: no array is made per event.
  #head: WriteHead = (kind, type, phase, sourceId, sourceType, sourceStart, time) => {
    this.#room(FIXED);
    const view = this.#view;
    const at = this.#at;
    view.setUint8(at, kind);
    view.setUint8(at + 1, phase);
    view.setUint16(at + 2, type);
    view.setUint32(at + 4, sourceId);
    view.setUint8(at + 8, sourceType);
    view.setFloat64(at + 9, sourceStart);
    view.setFloat64(at + 17, time);
    this.#at = at + FIXED;
  };

  #string(text: string): void {
    // At most three bytes of UTF-8 per UTF-16 unit.
    this.#room(4 + text.length * 3);
    const bytes = this.#bytes;
    const start = this.#at + 4;
    // Short ASCII strings (header names and values, mostly) byte by byte: cheaper than a call
    // into the runtime's encoder; anything else through it.
    if (text.length <= 64) {
      let i = 0;
      for (; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0x7f) break;
        bytes[start + i] = code;
      }
      if (i === text.length) {
        this.#view.setUint32(this.#at, i);
        this.#at = start + i;
        return;
      }
    }
    const { written } = encoder.encodeInto(text, bytes.subarray(start));
    this.#view.setUint32(this.#at, written);
    this.#at += 4 + written;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#at + bytes));
    grown.set(this.#bytes.subarray(0, this.#at));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** An object JSON.stringify writes as its own fields: no prototype but Object's, no toJSON. */
function plain(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/**
 * The JSON of each event in `bytes` (as {@linkcode EventBuffer} wrote them), in order.
 *
 * @example
 * ```ts
 * const buffer = new EventBuffer();
 * buffer.event(2, 0, 1, 1, 0, 5, { a: 1 });
 * eventTexts(buffer.take(), "default");
 * // ['{"params":{"a":1},"phase":0,"source":{"id":1,"start_time":"0","type":1},"time":"5","type":2}']
 * ```
 */
export function eventTexts(bytes: Uint8Array, mode: NetLogCaptureMode): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts: string[] = [];
  let at = 0;
  const string = (): string => {
    const length = view.getUint32(at);
    const start = at + 4;
    at = start + length;
    // Short ASCII strings without a call into the runtime's decoder (as they were written).
    if (length <= 64) {
      let ascii = true;
      for (let i = start; i < at; i++) {
        if (bytes[i] > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        return String.fromCharCode.apply(null, bytes.subarray(start, at) as unknown as number[]);
      }
    }
    return decoder.decode(bytes.subarray(start, at));
  };
  const fields = (): string => {
    const count = view.getUint8(at++);
    let text = "{";
    for (let i = 0; i < count; i++) {
      if (i > 0) text += ",";
      text += JSON.stringify(string()) + ":";
      const tag = view.getUint8(at++);
      if (tag === 0) text += JSON.stringify(string());
      else if (tag === 1) text += string();
      else if (tag === 2) {
        text += JSON.stringify(view.getFloat64(at));
        at += 8;
      } else if (tag === 6) text += fields();
      else text += tag === 3 ? "true" : tag === 4 ? "false" : "null";
    }
    return text + "}";
  };
  let expanded: EventBuffer | null = null;
  const record = {
    byte: () => view.getUint8(at++),
    number: () => {
      at += 8;
      return view.getFloat64(at - 8);
    },
    text: string,
  };
  while (at < bytes.byteLength) {
    const kind = view.getUint8(at);
    if (kind === 6) {
      // A request's record: its events, as they would have been written one by one.
      at++;
      expandRecord(record, expanded ??= new EventBuffer(4096));
      texts.push(...eventTexts(expanded.drain(), mode));
      continue;
    }
    const tail = `"phase":${view.getUint8(at + 1)},"source":{"id":${
      view.getUint32(at + 4)
    },"start_time":"${view.getFloat64(at + 9)}","type":${view.getUint8(at + 8)}},"time":"${
      view.getFloat64(at + 17)
    }","type":${view.getUint16(at + 2)}}`;
    at += FIXED;
    if (kind === 0) {
      texts.push(`{${tail}`);
      continue;
    }
    let params: string;
    if (kind === 1) params = string();
    else if (kind === 3) params = fields();
    else {
      const flags = view.getUint8(at++);
      const line = flags & 1 ? string() : null;
      const lines: string[] = flags & 2 ? [string()] : [];
      const count = view.getUint16(at);
      at += 2;
      for (let i = 0; i < count; i++) {
        const name = string();
        lines.push(headerLine(name, string(), mode));
      }
      const headers = JSON.stringify(lines);
      params = line === null
        ? `{"headers":${headers}}`
        : `{"headers":${headers},"line":${JSON.stringify(line)}}`;
    }
    texts.push(`{"params":${params},${tail}`);
  }
  return texts;
}

/**
 * The JSON of the events in `bytes`, joined by `,\n`.
 *
 * @example
 * ```ts
 * const buffer = new EventBuffer();
 * buffer.event(2, 1, 1, 1, 0, 5, undefined);
 * buffer.event(2, 2, 1, 1, 0, 6, undefined);
 * eventsText(buffer.take(), "default").split(",\n").length; // 2
 * ```
 */
export function eventsText(bytes: Uint8Array, mode: NetLogCaptureMode): string {
  return eventTexts(bytes, mode).join(",\n");
}
