/**
 * The body of a response as the runtime made it. The HTTP transports hand out responses whose
 * `body` getter wraps the runtime's stream to turn read errors into Chromium's codes
 * (`adapters/http/_broken_body.ts`); a download needs no code (an item is only `interrupted`), and
 * the wrapping stream cost every chunk a JavaScript pull: reading through `Response.prototype`'s
 * own getter keeps the runtime's stream, which halved a download's CPU time per byte
 * (`scripts/bench/downloads.ts`).
 *
 * @module
 */

const runtimeBody = Object.getOwnPropertyDescriptor(Response.prototype, "body")!.get!;

/**
 * The runtime's own body stream of `response` (the same as `response.body` for a plain Response).
 *
 * @example
 * ```ts
 * const body = nativeBody(new Response("hi"));
 * ```
 */
export function nativeBody(response: Response): ReadableStream<Uint8Array> | null {
  return runtimeBody.call(response) as ReadableStream<Uint8Array> | null;
}
