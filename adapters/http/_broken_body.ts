/**
 * Chromium's codes for broken HTTP responses, for transports built on `fetch` (whose errors say
 * only "error reading a body" or "connection reset"): a connection closed before any response is
 * `net::ERR_EMPTY_RESPONSE`; a body cut short is `net::ERR_INCOMPLETE_CHUNKED_ENCODING` (chunked)
 * or `net::ERR_CONTENT_LENGTH_MISMATCH` (a `Content-Length` not reached).
 *
 * @module
 */
import { isNetError, NetError, toNetError } from "../../kernel/errors.ts";

// Deno: "connection closed before message completed"; Bun: "The socket connection was closed
// unexpectedly" (Bun says the same for a reset: the two cannot be told apart there).
const CLOSED_BEFORE_RESPONSE = /closed before message completed|closed unexpectedly/i;

/**
 * The error of a send that got no response: `net::ERR_EMPTY_RESPONSE` when the server closed the
 * connection without answering, else what {@linkcode toNetError} says.
 *
 * @example
 * ```ts
 * sendError(new TypeError("connection closed before message completed")).code; // "net::ERR_EMPTY_RESPONSE"
 * ```
 */
export function sendError(error: unknown, signal?: AbortSignal): NetError {
  const netError = toNetError(error, signal);
  if (netError.code === "net::ERR_ABORTED" || isNetError(error)) return netError;
  return CLOSED_BEFORE_RESPONSE.test(netError.message)
    ? new NetError(
      "net::ERR_EMPTY_RESPONSE",
      "The server closed the connection without answering",
      {
        cause: error,
      },
    )
    : netError;
}

/**
 * The response with its body's read errors turned into Chromium's codes, by the body's framing.
 * Responses without a body, or whose length is given by the connection's end, are returned as
 * they are.
 *
 * @example
 * ```ts
 * const response = withBodyErrors(new Response("ok", { headers: { "content-length": "2" } }));
 * await response.text(); // "ok"
 * ```
 */
export function withBodyErrors(response: Response, signal?: AbortSignal): Response {
  const body = response.body;
  if (body === null) return response;
  const headers = response.headers;
  const chunked = /(^|,)\s*chunked\s*$/i.test(headers.get("transfer-encoding") ?? "");
  const length = chunked ? null : headers.get("content-length");
  if (!chunked && length === null) return response;
  const reader = body.getReader();
  const wrapped = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(bodyError(error, chunked, signal));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const out = new Response(wrapped, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  Object.defineProperty(out, "url", { value: response.url, enumerable: true, configurable: true });
  return out;
}

function bodyError(error: unknown, chunked: boolean, signal?: AbortSignal): NetError {
  const netError = toNetError(error, signal);
  if (netError.code === "net::ERR_ABORTED" || isNetError(error)) return netError;
  return chunked
    ? new NetError("net::ERR_INCOMPLETE_CHUNKED_ENCODING", "The chunked body ended early", {
      cause: error,
    })
    : new NetError(
      "net::ERR_CONTENT_LENGTH_MISMATCH",
      "The body is shorter than its Content-Length",
      {
        cause: error,
      },
    );
}
