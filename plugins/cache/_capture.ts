/**
 * Keeping a copy of a body while the caller reads it: the chunks are collected up to a limit and
 * handed over when the body ends; a body that fails, is cancelled or grows past the limit is not.
 *
 * @module
 */

/**
 * Returns a stream that passes `body` through and calls `done` with the whole body once it was
 * read to its end (never when it failed, was cancelled or exceeded `limit` bytes).
 *
 * @example
 * ```ts
 * const body = capture(new Response("hi").body!, 1024, (bytes) => console.log(bytes.length));
 * await new Response(body).text(); // "hi", then 2 is logged
 * ```
 */
export function capture(
  body: ReadableStream<Uint8Array>,
  limit: number,
  done: (bytes: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let chunks: Uint8Array[] | null = [];
  let size = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        chunks = null;
        controller.error(error);
        return;
      }
      if (chunk.done) {
        controller.close();
        if (chunks) {
          const bytes = new Uint8Array(size);
          let offset = 0;
          for (const c of chunks) {
            bytes.set(c, offset);
            offset += c.byteLength;
          }
          chunks = null;
          done(bytes);
        }
        return;
      }
      if (chunks) {
        size += chunk.value.byteLength;
        if (size > limit) chunks = null;
        else chunks.push(chunk.value);
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      chunks = null;
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
