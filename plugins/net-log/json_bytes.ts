/**
 * Byte-level reading and writing for the net log's JSON: {@linkcode Output}, a growable UTF-8
 * output that writes JSON strings and numbers as `JSON.stringify` does, and {@linkcode Reader},
 * which reads an `EventBuffer`'s (or a request record's) numbers and strings back.
 *
 * @module
 */
import type { RecordReader } from "./request_record.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** JSON.stringify's short escapes, by code unit. */
const SHORT_ESCAPES: Record<number, number> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };
const HEX = "0123456789abcdef";

/**
 * ASCII text as bytes.
 *
 * @example
 * ```ts
 * ascii("{}"); // Uint8Array [123, 125]
 * ```
 */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/**
 * A growable byte output.
 *
 * @example
 * ```ts
 * const out = new Output(16);
 * out.string("a\"b");
 * new TextDecoder().decode(out.bytes.subarray(0, out.at)); // '"a\\"b"'
 * ```
 */
export class Output {
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
    this.bytes[this.at++] = QUOTE;
    this.escaped(input, start, end);
    this.bytes[this.at++] = QUOTE;
  }

  /** UTF-8 bytes of the input escaped as in a JSON string, without quotes (room made). */
  escaped(input: Uint8Array, start: number, end: number): void {
    this.room((end - start) * 6);
    const out = this.bytes;
    for (let i = start; i < end; i++) {
      const byte = input[i];
      if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) out[this.at++] = byte;
      else this.#escape(byte);
    }
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

/**
 * Reads an `EventBuffer`'s bytes in order.
 *
 * @example
 * ```ts
 * const reader = new Reader(new Uint8Array([7]));
 * reader.u8(); // 7
 * ```
 */
export class Reader implements RecordReader {
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
