/**
 * A protocol handler's answer to a request (`mod.ts`'s transport tap), loaded with the first
 * request to a handled scheme (cold start, #24): the Request the handler is given, its answer read
 * as Electron's `protocol.handle` reads it, and the body tied to the request's signal.
 *
 * @module
 */
import { NetError } from "../../kernel/errors.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { NEVER_ABORTED } from "../../kernel/http/hop_request.ts";
import { CallbackAnswerError } from "./callback_answer_error.ts";
import type { ProtocolHandler } from "./mod.ts";

/**
 * The request a handler gets. An `Origin: null` (an opaque origin's) is taken out, as Electron's
 * `protocol.handle` does (lib/browser/api/protocol.ts), so a handler reads a missing Origin.
 */
function toRequest(req: PipelineRequest): Request {
  const headers = new Headers(req.headers);
  if (headers.get("origin") === "null") headers.delete("origin");
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers,
    signal: req.signal,
    redirect: "manual",
  };
  if (req.body !== null) {
    init.body = req.body as BodyInit;
    if (req.body instanceof ReadableStream) init.duplex = "half";
  }
  if (req.referrer) init.referrer = req.referrer;
  try {
    return new Request(req.url, init);
  } catch {
    // Some referrers (cross-origin, opaque) are refused by Request; the header is what matters.
    delete init.referrer;
    return new Request(req.url, init);
  }
}

/**
 * A handler's answer as a Response, checked as Electron's `protocol.handle` does
 * (`validateResponse`, lib/browser/api/protocol.ts): a Response, or an object shaped like one
 * (`type: "error"` is a network error; else `status` a number, `statusText` a string, `headers`
 * an object or null, `body` null or a ReadableStream, each optional); null for anything else.
 */
function toResponse(answer: unknown): Response | null {
  if (answer instanceof Response) return answer;
  if (answer === null || typeof answer !== "object") return null;
  const a = answer as Record<string, unknown>;
  if (a.type === "error") return Response.error();
  const has = (key: string) => Object.hasOwn(a, key);
  if (has("status") && typeof a.status !== "number") return null;
  if (has("statusText") && typeof a.statusText !== "string") return null;
  if (has("headers") && typeof a.headers !== "object") return null;
  if (has("body") && a.body !== null && !(a.body instanceof ReadableStream)) return null;
  try {
    return new Response((a.body ?? null) as ReadableStream | null, {
      status: (a.status as number | undefined) ?? 200,
      statusText: a.statusText as string | undefined,
      headers: (a.headers ?? undefined) as HeadersInit | undefined,
    });
  } catch {
    return null;
  }
}

/**
 * The response with its body tied to the request's signal: aborting the request cancels the
 * handler's stream (and errors the body with an AbortError), as a network body stops when its
 * request is aborted.
 */
function abortable(response: Response, signal: AbortSignal): Response {
  if (signal.aborted) {
    response.body!.cancel(signal.reason).catch(() => {});
    throw new NetError("net::ERR_ABORTED", "The request was aborted");
  }
  const reader = response.body!.getReader();
  let finished = false;
  let fail: (reason: unknown) => void = () => {};
  const onAbort = () => {
    if (finished) return;
    finished = true;
    const reason = new DOMException("The request was aborted", "AbortError");
    reader.cancel(signal.reason ?? reason).catch(() => {});
    fail(reason);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      fail = (reason) => controller.error(reason);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (finished) return;
        if (done) {
          finished = true;
          signal.removeEventListener("abort", onAbort);
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        if (finished) return;
        finished = true;
        signal.removeEventListener("abort", onAbort);
        controller.error(error);
      }
    },
    cancel(reason) {
      finished = true;
      signal.removeEventListener("abort", onAbort);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  signal.addEventListener("abort", onAbort, { once: true });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The response of `handler` to `req` (a request to the scheme it handles); a handler that throws
 * or answers something that is not a response fails the request with a NetError.
 *
 * @example
 * ```ts ignore
 * const response = await answerWith(() => new Response("hi"), request);
 * ```
 */
export async function answerWith(
  handler: ProtocolHandler,
  req: PipelineRequest,
): Promise<Response> {
  const scheme = req.urlParts.scheme;
  let answer: unknown;
  try {
    answer = await handler(toRequest(req));
  } catch (error) {
    if (req.signal.aborted || error instanceof CallbackAnswerError) throw error;
    throw new NetError("net::ERR_UNEXPECTED", `The ${scheme}: handler threw`, {
      cause: error,
    });
  }
  const response = toResponse(answer);
  if (response === null) {
    throw new NetError(
      "net::ERR_UNEXPECTED",
      `The ${scheme}: handler returned something that is not a Response`,
    );
  }
  if (response.type === "error") {
    throw new NetError("net::ERR_FAILED", `The ${scheme}: handler answered Response.error()`);
  }
  return response.body === null || req.signal === NEVER_ABORTED
    ? response
    : abortable(response, req.signal);
}
