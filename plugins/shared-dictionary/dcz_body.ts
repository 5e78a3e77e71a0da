/**
 * The bodies of shared-dictionary responses, as transform streams for the `responseBody` stage:
 * decoding a `dcz` body (Chromium's header check, then zstd with the dictionary), and keeping the
 * bytes of a response that declares itself a dictionary.
 *
 * @module
 */
import { NetError } from "../../kernel/errors.ts";

/** The `dcz` stream's magic number, before the dictionary's SHA-256 (RFC 9842 §4). */
const DCZ_MAGIC = [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00];
const DCZ_HEADER_LENGTH = DCZ_MAGIC.length + 32;

/** Decodes a zstd stream with a raw dictionary (the preset's adapter). */
export type ZstdDecoder = (data: Uint8Array, dictionary: Uint8Array) => Promise<Uint8Array>;

function concat(chunks: Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * A transform that decodes a `dcz` body compressed with `dictionary` (whose SHA-256 is `hash`).
 * Its stream fails with `net::ERR_UNEXPECTED_CONTENT_DICTIONARY_HEADER` when the body does not
 * start with the magic number and this hash, and with `net::ERR_CONTENT_DECODING_FAILED` when the
 * zstd stream is corrupt, as Chromium's.
 *
 * @example
 * ```ts
 * const dictionary = new TextEncoder().encode("a dictionary");
 * const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", dictionary));
 * const decoding = dczDecoder(dictionary, hash, (data) => Promise.resolve(data));
 * ```
 */
export function dczDecoder(
  dictionary: Uint8Array,
  hash: Uint8Array,
  decode: ZstdDecoder,
): TransformStream<Uint8Array, Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  return new TransformStream({
    transform(chunk) {
      chunks.push(chunk);
      length += chunk.length;
    },
    async flush(controller) {
      const body = concat(chunks, length);
      const expected = [...DCZ_MAGIC, ...hash];
      if (body.length < DCZ_HEADER_LENGTH || expected.some((byte, i) => body[i] !== byte)) {
        throw new NetError("net::ERR_UNEXPECTED_CONTENT_DICTIONARY_HEADER");
      }
      try {
        controller.enqueue(await decode(body.subarray(DCZ_HEADER_LENGTH), dictionary));
      } catch (cause) {
        throw new NetError("net::ERR_CONTENT_DECODING_FAILED", undefined, { cause });
      }
    },
  });
}

/**
 * A transform that passes a body through and hands its bytes to `done` at its end, unless it is
 * longer than `limit` bytes (then it is passed through only).
 *
 * @example
 * ```ts
 * const keeping = bodyKeeper(1024, (bytes) => console.log(bytes.length));
 * ```
 */
export function bodyKeeper(
  limit: number,
  done: (bytes: Uint8Array<ArrayBuffer>) => void | Promise<void>,
): TransformStream<Uint8Array, Uint8Array> {
  let chunks: Uint8Array[] | null = [];
  let length = 0;
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      length += chunk.length;
      if (length > limit) chunks = null;
      else chunks?.push(chunk);
    },
    async flush() {
      if (chunks !== null) await done(concat(chunks, length));
    },
  });
}
