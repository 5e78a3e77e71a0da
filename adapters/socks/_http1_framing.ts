/**
 * Where an HTTP/1.1 message body ends (RFC 9112 §6): no body (a request without
 * Content-Length or chunked; a response to HEAD, a 1xx, 204 or 304), Content-Length bytes, a
 * chunked body up to its last chunk and trailers, or everything until the connection closes. The
 * relay forwards bodies byte for byte and reads only as far as their end, so the next message on
 * the same connection stays intact (keep-alive).
 *
 * @module
 */
import type { Socket } from "node:net";
import type { ByteReader } from "./_byte_reader.ts";

/** How a body is delimited. */
export type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

/** A body that is not well-formed (its framing cannot be followed). */
export class FramingError extends Error {}

/** The value of the header `name` (lower case), the values of repeated fields joined by commas. */
export function headerValue(headers: readonly [string, string][], name: string): string | null {
  let value: string | null = null;
  for (const [n, v] of headers) {
    if (n.length === name.length && n.toLowerCase() === name) {
      value = value === null ? v : `${value}, ${v}`;
    }
  }
  return value;
}

/** The comma-separated tokens of the header `name`, lower case. */
export function headerTokens(headers: readonly [string, string][], name: string): string[] {
  const value = headerValue(headers, name);
  return value === null ? [] : value.toLowerCase().split(",").map((t) => t.trim());
}

function declared(headers: readonly [string, string][], request: boolean): Framing {
  const encodings = headerTokens(headers, "transfer-encoding");
  if (encodings.length > 0) {
    // chunked last delimits the body; any other coding last (a response) runs to the close
    if (encodings.at(-1) === "chunked") return { kind: "chunked" };
    if (request) throw new FramingError("A request's transfer coding must end with chunked");
    return { kind: "close" };
  }
  const length = headerValue(headers, "content-length");
  if (length === null) return request ? { kind: "none" } : { kind: "close" };
  const values = new Set(length.split(",").map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only)) {
    throw new FramingError(`Bad Content-Length: ${length.slice(0, 40)}`);
  }
  const n = Number(only);
  return n === 0 ? { kind: "none" } : { kind: "length", length: n };
}

/**
 * The framing of a request's body.
 *
 * @example
 * ```ts
 * requestFraming([["Content-Length", "5"]]); // { kind: "length", length: 5 }
 * requestFraming([]); // { kind: "none" }
 * ```
 */
export function requestFraming(headers: readonly [string, string][]): Framing {
  return declared(headers, true);
}

/**
 * The framing of a response's body, given the request's method and the status.
 *
 * @example
 * ```ts
 * responseFraming("HEAD", 200, [["Content-Length", "5"]]); // { kind: "none" }
 * responseFraming("GET", 200, []); // { kind: "close" }
 * ```
 */
export function responseFraming(
  method: string,
  status: number,
  headers: readonly [string, string][],
): Framing {
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) {
    return { kind: "none" };
  }
  return declared(headers, false);
}

const SIZE = 0, EXT = 1, SIZE_LF = 2, DATA = 3, DATA_CR = 4, DATA_LF = 5;
const TRAILER = 6, TRAILER_LINE = 7, TRAILER_LF = 8, FINAL_LF = 9, DONE = 10;

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * Follows a body's framing over the bytes as they arrive: {@link BodyEnd.feed} says how many of
 * them still belong to the body.
 *
 * @example
 * ```ts
 * const end = new BodyEnd({ kind: "chunked" });
 * const bytes = new TextEncoder().encode("3\r\nabc\r\n0\r\n\r\nGET /next");
 * end.feed(bytes); // 15
 * end.done; // true
 * ```
 */
export class BodyEnd {
  readonly #kind: Framing["kind"];
  #left: number;
  #state = SIZE;
  #digits = 0;

  /** Starts following a body of `framing`. */
  constructor(framing: Framing) {
    this.#kind = framing.kind;
    this.#left = framing.kind === "length" ? framing.length : 0;
    if (framing.kind === "none") this.#state = DONE;
  }

  /** Whether the body is complete. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /** How many of `bytes` (from the start) belong to the body; throws a FramingError. */
  feed(bytes: Uint8Array): number {
    if (this.#state === DONE) return 0;
    if (this.#kind === "close") return bytes.length;
    if (this.#kind === "length") {
      const n = Math.min(this.#left, bytes.length);
      this.#left -= n;
      if (this.#left === 0) this.#state = DONE;
      return n;
    }
    let i = 0;
    while (i < bytes.length && this.#state !== DONE) {
      const byte = bytes[i];
      switch (this.#state) {
        case SIZE: {
          const digit = hexValue(byte);
          if (digit >= 0) {
            if (++this.#digits > 12) throw new FramingError("Chunk size too big");
            this.#left = this.#left * 16 + digit;
          } else if (this.#digits === 0) throw new FramingError("Bad chunk size");
          else if (byte === 13) this.#state = SIZE_LF;
          else if (byte === 10) this.#afterSize();
          else if (byte === 59 || byte === 32 || byte === 9) this.#state = EXT;
          else throw new FramingError("Bad chunk size");
          i++;
          break;
        }
        case EXT:
          if (byte === 10) this.#afterSize();
          i++;
          break;
        case SIZE_LF:
          if (byte !== 10) throw new FramingError("Bad chunk size line");
          this.#afterSize();
          i++;
          break;
        case DATA: {
          const n = Math.min(this.#left, bytes.length - i);
          this.#left -= n;
          i += n;
          if (this.#left === 0) this.#state = DATA_CR;
          break;
        }
        case DATA_CR:
          if (byte === 13) this.#state = DATA_LF;
          else if (byte === 10) this.#nextChunk();
          else throw new FramingError("Chunk data longer than its size");
          i++;
          break;
        case DATA_LF:
          if (byte !== 10) throw new FramingError("Chunk data longer than its size");
          this.#nextChunk();
          i++;
          break;
        case TRAILER:
          // a blank line ends the trailers (and the body); anything else is a trailer field
          this.#state = byte === 13 ? FINAL_LF : byte === 10 ? DONE : TRAILER_LINE;
          i++;
          break;
        case TRAILER_LINE:
          if (byte === 10) this.#state = TRAILER;
          else if (byte === 13) this.#state = TRAILER_LF;
          i++;
          break;
        case TRAILER_LF:
          this.#state = byte === 10 ? TRAILER : TRAILER_LINE;
          i++;
          break;
        case FINAL_LF:
          if (byte !== 10) throw new FramingError("Bad end of chunked body");
          this.#state = DONE;
          i++;
          break;
      }
    }
    return i;
  }

  #afterSize(): void {
    this.#state = this.#left === 0 ? TRAILER : DATA;
  }

  #nextChunk(): void {
    this.#state = SIZE;
    this.#digits = 0;
    this.#left = 0;
  }
}

/** Writes `bytes`, waiting while `to` is full; rejects when `to` closed. */
export function write(to: Socket, bytes: Uint8Array | string): Promise<void> | void {
  if (to.destroyed || to.writableEnded) throw new Error("Connection closed");
  if (to.write(bytes)) return;
  return new Promise((resolve, reject) => {
    const drained = () => {
      to.off("close", closed);
      resolve();
    };
    const closed = () => {
      to.off("drain", drained);
      reject(new Error("Connection closed"));
    };
    to.once("drain", drained);
    to.once("close", closed);
  });
}

/** A body that ended early: its connection closed before the framing said it was complete. */
export class TruncatedBodyError extends Error {}

/**
 * Forwards one body of `framing` from `from` to `to`, byte for byte, after `prefix` (sent with
 * its first bytes in one write); what follows the body stays in `from`. `record` sees each piece
 * written. Resolves when the body is complete (for `close`, when `from` ended).
 *
 * @example
 * ```ts ignore
 * await forwardBody(upstream, { kind: "chunked" }, client, headBytes);
 * ```
 */
export async function forwardBody(
  from: ByteReader,
  framing: Framing,
  to: Socket,
  prefix: Uint8Array | null,
  record?: (piece: Uint8Array) => void,
): Promise<void> {
  const end = new BodyEnd(framing);
  let pending = prefix;
  while (!end.done) {
    if (from.buffered.length === 0) {
      if (!(await from.more()) && from.buffered.length === 0) {
        if (framing.kind === "close") break;
        throw new TruncatedBodyError("Connection closed before the body ended");
      }
      continue;
    }
    const piece = from.take(end.feed(from.buffered));
    record?.(piece);
    let out = piece;
    if (pending) {
      out = new Uint8Array(pending.length + piece.length);
      out.set(pending);
      out.set(piece, pending.length);
      pending = null;
    }
    await write(to, out);
  }
  if (pending) await write(to, pending);
}
