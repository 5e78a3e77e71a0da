/**
 * The events of an {@linkcode EventBuffer} as the file's UTF-8 bytes, written byte by byte from
 * the buffer's own bytes: the same JSON as `eventsText` (joined by `,\n`), without making a string
 * per key, value or event. The names and ASCII values the recorder writes are copied as they are
 * (escaped where JSON needs it), numbers are written as digits, and only header lines (which the
 * capture mode may elide) become strings on the way.
 *
 * Hand-written where `eventsText` and a `TextEncoder` would do, because formatting is most of what
 * recording costs: the ~30 events a request of the default preset logs took 0.75-0.82 µs each as
 * text then encoded, against 0.29-0.32 µs each here (Deno, the 6,000 events of 200 requests of a
 * real log, both ways in one process, interleaved, load 1.6). The test checks both give the same
 * text.
 *
 * @module
 */
import type { NetLogCaptureMode } from "./constants.ts";
import { EVENT_HEAD_BYTES, EventBuffer } from "./event_buffer.ts";
import { expandRecord, type RecordReader } from "./request_record.ts";
import { headerLine } from "./sensitive_headers.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** JSON.stringify's short escapes, by code unit. */
const SHORT_ESCAPES: Record<number, number> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };
const HEX = "0123456789abcdef";
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPEN = ascii("{");
const NEXT = ascii(",\n{");
const PARAMS = ascii('"params":');
const PHASE = ascii('"phase":');
const SOURCE_ID = ascii(',"source":{"id":');
const START_TIME = ascii(',"start_time":"');
const SOURCE_TYPE = ascii('","type":');
const TIME = ascii('},"time":"');
const TYPE = ascii('","type":');
const CLOSE = ascii("}");
/** Room for an event's tail: its literals and five numbers of at most 24 characters. */
const TAIL_BYTES = 64 + 5 * 24;

/** A growable byte output. */
class Output {
  bytes: Uint8Array;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  room(extra: number): void {
    if (this.at + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + extra));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  /** ASCII text as it is (callers pass only ASCII). */
  ascii(text: string): void {
    this.room(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.at++] = text.charCodeAt(i);
  }

  /** Bytes of a literal, with no room check: the caller made room. */
  literal(bytes: Uint8Array): void {
    const out = this.bytes;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i];
    this.at = at;
  }

  /**
   * A number: a non-negative whole one below 2^53 as digits, any other as JSON.stringify writes it
   * (`json`) or as a template string does. Room for 16 bytes is the caller's to make.
   */
  number(value: number, json = true): void {
    if (value >= 0 && value < 2147483648 && (value | 0) === value) {
      // The common case (ids, types, phases, the log's clock): integer arithmetic.
      const out = this.bytes;
      let digits = 1;
      for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++;
      let rest = value;
      for (let i = this.at + digits - 1; i >= this.at; i--) {
        const next = (rest / 10) | 0;
        out[i] = 0x30 + rest - next * 10;
        rest = next;
      }
      this.at += digits;
      return;
    }
    this.ascii(json && !Number.isFinite(value) ? "null" : String(value));
  }

  /** UTF-8 bytes of the input as a JSON string, quoted and escaped as JSON.stringify does. */
  quoted(input: Uint8Array, start: number, end: number): void {
    this.room((end - start) * 6 + 2);
    const out = this.bytes;
    out[this.at++] = QUOTE;
    for (let i = start; i < end; i++) {
      const byte = input[i];
      if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) out[this.at++] = byte;
      else this.#escape(byte);
    }
    out[this.at++] = QUOTE;
  }

  /** A string as JSON.stringify writes it, in UTF-8. */
  string(text: string): void {
    this.room(text.length * 6 + 2);
    const start = this.at;
    const out = this.bytes;
    out[this.at++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        // Anything beyond ASCII (and lone surrogates, which JSON.stringify escapes): its way.
        this.at = start;
        const json = JSON.stringify(text);
        this.room(json.length * 3);
        this.at += encoder.encodeInto(json, this.bytes.subarray(this.at)).written;
        return;
      }
      if (code >= 0x20 && code !== QUOTE && code !== BACKSLASH) out[this.at++] = code;
      else this.#escape(code);
    }
    out[this.at++] = QUOTE;
  }

  #escape(code: number): void {
    const out = this.bytes;
    out[this.at++] = BACKSLASH;
    if (code === QUOTE || code === BACKSLASH) out[this.at++] = code;
    else if (code in SHORT_ESCAPES) out[this.at++] = SHORT_ESCAPES[code];
    else {
      out[this.at++] = 0x75; // u00XX, lower-case hex, as JSON.stringify writes it
      out[this.at++] = 0x30;
      out[this.at++] = 0x30;
      out[this.at++] = HEX.charCodeAt(code >> 4);
      out[this.at++] = HEX.charCodeAt(code & 15);
    }
  }

  /** Bytes copied as they are. */
  raw(input: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.bytes.set(input.subarray(start, end), this.at);
    this.at += end - start;
  }
}

/** Reads an {@linkcode EventBuffer}'s bytes in order. */
class Reader implements RecordReader {
  readonly view: DataView;
  at = 0;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number {
    return this.view.getUint8(this.at++);
  }

  byte(): number {
    return this.view.getUint8(this.at++);
  }

  number(): number {
    this.at += 8;
    return this.view.getFloat64(this.at - 8);
  }

  text(): string {
    return this.string();
  }

  /** Steps over a string (its length, u32, then its bytes); answers where its bytes start. */
  skip(): number {
    const length = this.view.getUint32(this.at);
    this.at += 4 + length;
    return this.at - length;
  }

  string(): string {
    const start = this.skip();
    const bytes = this.bytes;
    // Short ASCII strings (header names and values, mostly) without a call into the decoder.
    if (this.at - start <= 64) {
      let text = "";
      for (let i = start; i < this.at; i++) {
        if (bytes[i] > 0x7f) return decoder.decode(bytes.subarray(start, this.at));
        text += String.fromCharCode(bytes[i]);
      }
      return text;
    }
    return decoder.decode(bytes.subarray(start, this.at));
  }
}

/**
 * The JSON of the events in `bytes`, joined by `,\n` (after `,\n` when `lead`), as UTF-8: the same
 * text as `eventsText(bytes, mode)`.
 *
 * @example
 * ```ts
 * import { EventBuffer } from "./event_buffer.ts";
 * const buffer = new EventBuffer();
 * buffer.event(2, 1, 1, 1, 0, 5, { url: "https://example.org/" });
 * new TextDecoder().decode(eventsJson(buffer.take(), "default", false));
 * // '{"params":{"url":"https://example.org/"},"phase":1,"source":{"id":1,"start_time":"0","type":1},"time":"5","type":2}'
 * ```
 */
export function eventsJson(bytes: Uint8Array, mode: NetLogCaptureMode, lead: boolean): Uint8Array {
  const input = new Reader(bytes);
  const view = input.view;
  const out = new Output(bytes.byteLength * 2 + 64);
  let first = !lead;
  let expanded: EventBuffer | null = null;
  while (input.at < bytes.byteLength) {
    const head = input.at;
    const kind = view.getUint8(head);
    if (kind === 6) {
      // A request's record: its events, as they would have been written one by one.
      input.at++;
      expandRecord(input, expanded ??= new EventBuffer(4096));
      const json = eventsJson(expanded.drain(), mode, !first);
      out.raw(json, 0, json.length);
      if (json.length > 0) first = false;
      continue;
    }
    input.at += EVENT_HEAD_BYTES;
    out.room(2 + PARAMS.length);
    out.literal(first ? OPEN : NEXT);
    first = false;
    if (kind !== 0) {
      out.literal(PARAMS);
      if (kind === 1) {
        const start = input.skip();
        out.raw(bytes, start, input.at);
      } else if (kind === 3) fields(input, out);
      else headerParams(input, out, mode);
      out.ascii(",");
    }
    out.room(TAIL_BYTES);
    out.literal(PHASE);
    out.number(view.getUint8(head + 1));
    out.literal(SOURCE_ID);
    out.number(view.getUint32(head + 4));
    out.literal(START_TIME);
    out.number(view.getFloat64(head + 9), false);
    out.literal(SOURCE_TYPE);
    out.number(view.getUint8(head + 8));
    out.literal(TIME);
    out.number(view.getFloat64(head + 17), false);
    out.literal(TYPE);
    out.number(view.getUint16(head + 2));
    out.literal(CLOSE);
  }
  return out.bytes.subarray(0, out.at);
}

/** Params written as fields (kind 3, or tag 6 nested): `{"key":value,...}`. */
function fields(input: Reader, out: Output): void {
  const count = input.u8();
  out.ascii("{");
  for (let i = 0; i < count; i++) {
    if (i > 0) out.ascii(",");
    const key = input.skip();
    out.quoted(input.bytes, key, input.at);
    out.ascii(":");
    const tag = input.u8();
    if (tag === 0) {
      const start = input.skip();
      out.quoted(input.bytes, start, input.at);
    } else if (tag === 1) {
      const start = input.skip();
      out.raw(input.bytes, start, input.at);
    } else if (tag === 2) {
      out.room(24);
      out.number(input.view.getFloat64(input.at));
      input.at += 8;
    } else if (tag === 6) fields(input, out);
    else out.ascii(tag === 3 ? "true" : tag === 4 ? "false" : "null");
  }
  out.ascii("}");
}

/** A headers event's params: `{"headers":[...]}`, with `"line"` after them when there is one. */
function headerParams(input: Reader, out: Output, mode: NetLogCaptureMode): void {
  const flags = input.u8();
  const line = flags & 1 ? input.string() : null;
  out.ascii('{"headers":[');
  let count = 0;
  if (flags & 2) {
    out.string(input.string());
    count++;
  }
  const pairs = input.view.getUint16(input.at);
  input.at += 2;
  for (let i = 0; i < pairs; i++) {
    const name = input.string();
    if (count++ > 0) out.ascii(",");
    out.string(headerLine(name, input.string(), mode));
  }
  out.ascii("]");
  if (line !== null) {
    out.ascii(',"line":');
    out.string(line);
  }
  out.ascii("}");
}
