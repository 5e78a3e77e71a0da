/**
 * Responses whose header values hold control bytes (`Set-Cookie: a=b\x01c`): Chromium loads them
 * (and the cookie parser ignores that one line), while Deno's fetch (hyper) and Bun's refuse the
 * whole response. When the wrapped transport fails that way, a request whose body can be sent
 * again (none, or bytes) is sent once more through node:http with llhttp's lenient parser.
 *
 * @module
 */
import { toNetError } from "../../kernel/http/to_net_error.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";
import { loadNodeHttp, sendWithNode } from "./bodied_get.ts";

/** The runtimes' messages for a response head their parser refused. */
const MALFORMED_HEAD =
  /invalid HTTP header parsed|Malformed_HTTP_Response|Invalid header value char/i;

/** Whether `error` (or a cause of it) says the response's head could not be parsed. */
export function isMalformedHead(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const { message, code, cause } = e as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof message === "string" && MALFORMED_HEAD.test(message)) return true;
    if (typeof code === "string" && MALFORMED_HEAD.test(code)) return true;
    e = cause;
  }
  return false;
}

/**
 * Wraps a transport so that responses with control bytes in header values load.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from "./fetch.ts";
 * withLenientHeaders(createFetchTransport()).name; // "fetch"
 * ```
 */
export function withLenientHeaders(inner: HttpTransport): HttpTransport {
  // One `.catch` on the inner send rather than an async wrapper awaiting it: the common case,
  // a response, then passes one promise layer fewer (a kernel-only `ses.fetch` on loopback,
  // Deno 2.9, Dec 2026: about 1 µs of CPU a request less, 16 in flight).
  const resend = async (
    error: unknown,
    request: PipelineRequest,
    body: PipelineRequest["body"],
    options: TransportOptions,
  ): Promise<Response> => {
    const replayable = body === null || body instanceof Uint8Array;
    if (!replayable || options.proxy || !isMalformedHead(error)) throw error;
    const url = new URL(request.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw error;
    try {
      return await sendWithNode(loadNodeHttp(), request, url, options, true);
    } catch (again) {
      throw toNetError(again, request.signal);
    }
  };
  return {
    name: inner.name,
    fetch(request: PipelineRequest, options: TransportOptions = {}): Promise<Response> {
      const body = request.body;
      let sent: Promise<Response>;
      try {
        sent = inner.fetch(request, options);
      } catch (error) {
        sent = Promise.reject(error);
      }
      return sent.catch((error) => resend(error, request, body, options));
    },
    closeAllConnections: inner.closeAllConnections?.bind(inner),
  };
}
