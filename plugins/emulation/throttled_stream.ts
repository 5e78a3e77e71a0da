/**
 * A body stream paced by a {@linkcode TokenBucket}: chunks are cut to the bucket's piece size and
 * each piece passes when the bucket allows it.
 *
 * @module
 */
import type { TokenBucket } from "./token_bucket.ts";

/**
 * Returns `body` paced by `bucket` (read lazily: nothing is pulled before the reader asks). Given a
 * function, each piece asks it for the bucket in force: `null` lets the rest through unpaced, and
 * what it throws (network emulation gone offline) fails the stream and cancels `body`.
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
  bucket: TokenBucket | (() => TokenBucket | null),
): ReadableStream<Uint8Array> {
  const bucketNow = typeof bucket === "function" ? bucket : () => bucket;
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
      let current: TokenBucket | null;
      try {
        current = bucketNow();
      } catch (error) {
        reader.cancel(error).catch(() => {});
        throw error;
      }
      const piece: Uint8Array = current === null ? rest : rest.subarray(0, current.chunkSize);
      rest = rest.subarray(piece.byteLength);
      await current?.take(piece.byteLength);
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
