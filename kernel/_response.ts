/**
 * Handing a response to the caller: its `url` set to the hop that produced it, and, when someone
 * needs to know when the body ends, the body watched so that exactly one `completed` or
 * `errorOccurred` follows.
 *
 * @module
 */
import { type NetError, toNetError } from "./errors.ts";
import type { PipelineRequest } from "./request.ts";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Responses the session's transport fetched for the URL of the hop they answer. */
const fetchedFor = new WeakSet<Response>();

/**
 * Marks a response as fetched by the transport for the current hop's URL.
 *
 * @example
 * ```ts
 * // markFetched(await transport.fetch(request));
 * ```
 */
export function markFetched(response: Response): Response {
  fetchedFor.add(response);
  return response;
}

/**
 * Sets `response.url` (and `redirected`) on a response object.
 *
 * @example
 * ```ts
 * withUrl(new Response("x"), "https://example.com/").url; // "https://example.com/"
 * ```
 */
export function withUrl(response: Response, url: string, redirected = false): Response {
  // A response the transport fetched for this very URL has it already; reading `url` costs fetch
  // a URL serialisation (about 3 µs in Deno), so it is skipped for those.
  if (!fetchedFor.has(response) && response.url !== url) {
    Object.defineProperty(response, "url", { value: url, enumerable: true, configurable: true });
  }
  if (redirected) {
    Object.defineProperty(response, "redirected", { value: true, configurable: true });
  }
  return response;
}

/**
 * Returns the response to give the caller; when `end` is given, it is called exactly once: with
 * null when the body was read to its end, with the error when reading failed or was cancelled.
 *
 * @example
 * ```ts
 * // deliverResponse(request, response, (error) => console.log(error ? "failed" : "completed"));
 * ```
 */
export function deliverResponse(
  request: PipelineRequest,
  response: Response,
  end: ((error: NetError | null, response: Response | null) => void) | null,
): Response {
  const redirected = request.redirectCount > 0;
  if (end === null) return withUrl(response, request.url, redirected);
  if (response.body === null || NULL_BODY.has(response.status) || request.method === "HEAD") {
    end(null, response);
    return withUrl(response, request.url, redirected);
  }
  const reader = response.body.getReader();
  let done = false;
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          done = true;
          controller.close();
          end(null, out);
        } else controller.enqueue(chunk.value);
      } catch (error) {
        done = true;
        const netError = toNetError(error, request.signal);
        end(netError, null);
        controller.error(netError);
      }
    },
    cancel(reason) {
      if (!done) {
        done = true;
        end(toNetError(reason ?? new DOMException("Body cancelled", "AbortError")), null);
      }
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const out = new Response(watched, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  return withUrl(out, request.url, redirected);
}
