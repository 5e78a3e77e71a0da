/**
 * Electron's deprecated callback protocols, string, buffer and stream kinds
 * (`register`/`intercept` + `StringProtocol`, `BufferProtocol`, `StreamProtocol`): a
 * `(request, callback)` handler turned into a `(Request) => Response` one. The callback's answer is
 * read as Electron's `electron_url_loader_factory.cc` reads it: no answer is
 * `net::ERR_NOT_IMPLEMENTED`; `{ error: n }` fails with Chromium's code numbered n (-6 is
 * `net::ERR_FILE_NOT_FOUND`); `statusCode` (default 200), `headers` (a value a string or a list of
 * strings), `mimeType` (sent as `content-type` unless a header gives one) and `charset`; a string
 * protocol takes a string or `{ data: string }`, a buffer protocol an object (a Buffer, or
 * `{ data: Buffer }`), a stream protocol an object (a Node stream, or `{ data: stream }`, data null
 * for no body), anything else `net::ERR_FAILED`; a string or buffer answer with a body carries
 * `access-control-allow-origin: *`, as Electron's does.
 *
 * @module
 */
import { NetError, type NetErrorCode, netErrorCodeOf } from "../../kernel/errors.ts";

/** Electron's `ProtocolRequest`, as a callback protocol's handler gets it. */
export interface ProtocolRequest {
  /** The request's URL. */ url: string;
  /** Its referrer ("" for none). */ referrer: string;
  /** Its method. */ method: string;
  /** Its headers. */ headers: Record<string, string>;
  /** Its body, as one raw-data element, when it has one. */
  uploadData?: { type: "rawData"; bytes: Uint8Array }[];
}

/** Electron's `ProtocolResponse` (the string and buffer kinds' fields). */
export interface ProtocolResponse {
  /** A Chromium error number: the request fails with it (e.g. -6, net::ERR_FILE_NOT_FOUND). */
  error?: number;
  /** The status (default 200). */ statusCode?: number;
  /** The MIME type, sent as `content-type` unless `headers` has one. */ mimeType?: string;
  /** The charset (default utf-8). */ charset?: string;
  /** Headers: a value a string or a list of strings. */
  headers?: Record<string, string | string[]>;
  /** The body. */ data?: string | Uint8Array;
}

/** A callback protocol's handler. */
export type CallbackProtocolHandler<Answer> = (
  request: ProtocolRequest,
  callback: (response?: Answer | ProtocolResponse) => void,
) => void;

/** The kinds of callback protocol this module reads. */
export type CallbackKind = "string" | "buffer" | "stream";

/** A failure the callback's answer asked for: it passes through the protocol tap as is. */
export class CallbackAnswerError extends NetError {}

function fail(code: NetErrorCode, why: string): never {
  throw new CallbackAnswerError(code, why);
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}

function responseHeaders(dict: Record<string, unknown>): Headers {
  const headers = new Headers();
  const given = dict.headers;
  if (isDict(given)) {
    for (const [name, value] of Object.entries(given)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === "string") headers.append(name, item);
      }
    }
  }
  if (typeof dict.mimeType === "string" && !headers.has("content-type")) {
    headers.set("content-type", dict.mimeType);
  }
  return headers;
}

/** A Node stream (what has `on` and `removeListener`, and is async iterable) as a web stream. */
function fromNodeStream(stream: Record<string, unknown>): ReadableStream<Uint8Array> | null {
  if (typeof stream.on !== "function" || typeof stream.removeListener !== "function") return null;
  const chunks = (stream as unknown as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === "string" ? encoder.encode(value) : value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

function streamBody(answer: unknown, dict: Record<string, unknown>): BodyInit | null {
  const stream = Object.hasOwn(dict, "data") ? dict.data : answer;
  if (stream === null || stream === undefined) return null;
  const web = isDict(stream) ? fromNodeStream(stream) : null;
  return web ?? fail("net::ERR_FAILED", "a stream protocol's data is not a Node stream");
}

function body(kind: CallbackKind, answer: unknown, dict: Record<string, unknown>): BodyInit | null {
  if (kind === "stream") return streamBody(answer, dict);
  if (kind === "string") {
    if (typeof answer === "string") return answer;
    if (!isDict(answer)) fail("net::ERR_FAILED", "a string protocol's answer is not a string");
    return typeof dict.data === "string" ? dict.data : "";
  }
  if (answer instanceof Uint8Array) return answer as Uint8Array<ArrayBuffer>;
  if (dict.data instanceof Uint8Array) return dict.data as Uint8Array<ArrayBuffer>;
  fail("net::ERR_FAILED", "a buffer protocol's data is not a Buffer");
}

/**
 * The Response a callback's answer stands for, read as Electron reads it (see the module's notes).
 *
 * @example
 * ```ts
 * await answerToResponse("string", { data: "hi", mimeType: "text/plain" }).text(); // "hi"
 * // answerToResponse("string", { error: -6 }); // throws net::ERR_FILE_NOT_FOUND
 * ```
 */
export function answerToResponse(kind: CallbackKind, answer: unknown): Response {
  if (answer === undefined) fail("net::ERR_NOT_IMPLEMENTED", "the callback was given nothing");
  const dict = isDict(answer) && !(answer instanceof Uint8Array)
    ? answer as Record<string, unknown>
    : {};
  if (typeof dict.error === "number") {
    fail(
      netErrorCodeOf(dict.error) ?? "net::ERR_FAILED",
      `the callback gave error ${dict.error}`,
    );
  }
  if (kind !== "string" && !isDict(answer)) {
    fail("net::ERR_NOT_IMPLEMENTED", `a ${kind} protocol's answer must be an object`);
  }
  const status = typeof dict.statusCode === "number" ? dict.statusCode : 200;
  const headers = responseHeaders(dict);
  const nullBody = status === 204 || status === 205 || status === 304 ||
    (status >= 300 && status < 400 && headers.has("location"));
  if (nullBody) return new Response(null, { status, headers });
  const content = body(kind, answer, dict);
  // Electron's SendContents lets any origin read a string or buffer protocol's answer.
  if (kind !== "stream") headers.append("access-control-allow-origin", "*");
  return new Response(content, { status, headers });
}

/**
 * A callback protocol's handler as a `(Request) => Response` one: the request read into Electron's
 * `ProtocolRequest`, the callback's answer into a Response.
 *
 * @example
 * ```ts
 * const handler = fromCallbackHandler("string", (_request, callback) => callback("hello"));
 * await (await handler(new Request("app://x/"))).text(); // "hello"
 * ```
 */
export function fromCallbackHandler<Answer>(
  kind: CallbackKind,
  handler: CallbackProtocolHandler<Answer>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const bytes = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
    const protocolRequest: ProtocolRequest = {
      url: request.url,
      referrer: request.headers.get("referer") ?? "",
      method: request.method,
      headers: Object.fromEntries(request.headers),
    };
    if (bytes !== null) protocolRequest.uploadData = [{ type: "rawData", bytes }];
    const answer = await new Promise<unknown>((resolve) => handler(protocolRequest, resolve));
    return answerToResponse(kind, answer);
  };
}
