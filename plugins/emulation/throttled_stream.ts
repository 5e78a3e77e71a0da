/**
 * A body stream paced by a {@linkcode TokenBucket}: chunks are cut to the bucket's piece size and
 * each piece passes when the bucket allows it.
 *
 * @module
 */
import type { TokenBucket } from "./token_bucket.ts";

/**
 * Returns `body` paced by `bucket` (read lazily: nothing is pulled before the reader asks).
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./token_bucket.ts";
 * const paced = throttleStream(new Response("hello").body!, new TokenBucket(1 << 20));
 * await new Response(paced).text(); // "hello"
 * ```
 */
export function throttleStream(
  body: ReadableStream<Uint8Array>,
  bucket: TokenBucket,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let rest: Uint8Array | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (rest === null || rest.byteLength === 0) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        rest = value;
      }
      const piece: Uint8Array = rest.subarray(0, bucket.chunkSize);
      rest = rest.subarray(piece.byteLength);
      await bucket.take(piece.byteLength);
      controller.enqueue(piece);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * Bytes as a one-chunk stream (to pace a request body given as bytes).
 *
 * @example
 * ```ts
 * const stream = bytesStream(new Uint8Array([1, 2]));
 * ```
 */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
