/**
 * Chromium's codes for broken HTTP responses, for transports built on `fetch` (whose errors say
 * only "error reading a body" or "connection reset"): a connection closed before any response is
 * `net::ERR_EMPTY_RESPONSE`; a body cut short is `net::ERR_INCOMPLETE_CHUNKED_ENCODING` (chunked)
 * or `net::ERR_CONTENT_LENGTH_MISMATCH` (a `Content-Length` not reached).
 *
 * @module
 */
import { isNetError, NetError } from "../../kernel/errors.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";

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
 * A Response whose body read errors are Chromium's codes. The transport's Response is given this
 * prototype rather than copied around a wrapping stream: a copy would cost Deno's native body
 * reads (a loopback request ran at 0.4 of raw fetch that way); here the reads stay native and
 * only a failure is translated.
 */
const wrappedBodies = new WeakMap<Response, ReadableStream<Uint8Array<ArrayBuffer>>>();

// Made on first use: on Deno, a class extending Response at import loads the global Response's
// script then (about 3 ms of cold start, issue #24, Deno's --cpu-prof of the startup bench).
let codedResponse: { prototype: Response } | null = null;
const chromiumCodedResponse = () =>
  codedResponse ??= class ChromiumCodedResponse extends Response {
    override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      const known = wrappedBodies.get(this);
      if (known) return known;
      const body = super.body;
      if (body === null) return null;
      // The native stream is locked on the first read only: looking at `body` (`=== null`) must
      // leave text() and the other readers usable.
      let reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>> | null = null;
      const response = this as Response;
      const wrapped = new ReadableStream<Uint8Array<ArrayBuffer>>({
        async pull(controller) {
          reader ??= body.getReader();
          try {
            const { done, value } = await reader.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            controller.error(bodyError(error, response));
          }
        },
        cancel: (reason) => (reader ?? body).cancel(reason),
      }, { highWaterMark: 0 });
      wrappedBodies.set(this, wrapped);
      return wrapped;
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return super.arrayBuffer().catch((error) => Promise.reject(bodyError(error, this)));
    }
    override blob(): Promise<Blob> {
      return super.blob().catch((error) => Promise.reject(bodyError(error, this)));
    }
    override formData(): Promise<FormData> {
      return super.formData().catch((error) => Promise.reject(bodyError(error, this)));
    }
    override json(): Promise<unknown> {
      return super.json().catch((error) => Promise.reject(bodyError(error, this)));
    }
    override text(): Promise<string> {
      return super.text().catch((error) => Promise.reject(bodyError(error, this)));
    }
    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return super.bytes().catch((error) => Promise.reject(bodyError(error, this)));
    }
  };

/**
 * The response with its body's read errors turned into Chromium's codes, by the body's framing
 * (the same object, with reads that translate failures).
 *
 * @example
 * ```ts
 * const response = withBodyErrors(new Response("ok", { headers: { "content-length": "2" } }));
 * await response.text(); // "ok"
 * ```
 */
export function withBodyErrors(response: Response): Response {
  return Object.setPrototypeOf(response, chromiumCodedResponse().prototype);
}

function bodyError(error: unknown, response: Response): unknown {
  if (isNetError(error)) return error;
  const netError = toNetError(error);
  // Only a connection that failed mid-body (the runtimes call it a reset) has a framing to blame;
  // anything else (a body already used, an abort) stays what it is.
  if (netError.code !== "net::ERR_CONNECTION_RESET") {
    return netError.code === "net::ERR_ABORTED" ? netError : error;
  }
  const headers = response.headers;
  if (/(^|,)\s*chunked\s*$/i.test(headers.get("transfer-encoding") ?? "")) {
    return new NetError("net::ERR_INCOMPLETE_CHUNKED_ENCODING", "The chunked body ended early", {
      cause: error,
    });
  }
  if (headers.has("content-length")) {
    return new NetError(
      "net::ERR_CONTENT_LENGTH_MISMATCH",
      "The body is shorter than its Content-Length",
      { cause: error },
    );
  }
  return netError;
}
