/**
 * Electron's deprecated callback protocols (`register`/`intercept` + `StringProtocol`,
 * `BufferProtocol`, `StreamProtocol`, `FileProtocol`, `HttpProtocol`): a `(request, callback)`
 * handler turned into a `(Request) => Response` one. The callback's answer is read as Electron's
 * `electron_url_loader_factory.cc` reads it: no answer is `net::ERR_NOT_IMPLEMENTED`;
 * `{ error: n }` fails with Chromium's code numbered n (-6 is `net::ERR_FILE_NOT_FOUND`);
 * `statusCode` (default 200), `headers` (a value a string or a list of strings), `mimeType` (sent
 * as `content-type` unless a header gives one) and `charset`; a 3xx with a `Location` redirects
 * whatever the kind. A string protocol takes a string or `{ data: string }`, a buffer protocol an
 * object (a Buffer, or `{ data: Buffer }`), a stream protocol an object (a Node stream, or
 * `{ data: stream }`, data null for no body), anything else `net::ERR_FAILED`; a string or buffer
 * answer with a body carries `access-control-allow-origin: *`, as Electron's does. The file and
 * http kinds read their answers in `file_answer.ts` and `http_answer.ts`, after the same first
 * steps ({@link readAnswerHead}).
 *
 * @module
 */
import { isNetError, type NetErrorCode, netErrorCodeOf } from "../../kernel/errors.ts";
import { CallbackAnswerError } from "./callback_answer_error.ts";
import type { Session } from "../../kernel/session.ts";

/** Electron's `ProtocolRequest`, as a callback protocol's handler gets it. */
export interface ProtocolRequest {
  /** The request's URL. */ url: string;
  /** Its referrer ("" for none). */ referrer: string;
  /** Its method. */ method: string;
  /** Its headers. */ headers: Record<string, string>;
  /** Its body, as one raw-data element, when it has one. */
  uploadData?: { type: "rawData"; bytes: Uint8Array }[];
}

/** Electron's `ProtocolResponse`. */
export interface ProtocolResponse {
  /** A Chromium error number: the request fails with it (e.g. -6, net::ERR_FILE_NOT_FOUND). */
  error?: number;
  /** The status (default 200). */ statusCode?: number;
  /** The MIME type, sent as `content-type` unless `headers` has one. */ mimeType?: string;
  /** The charset (default utf-8). */ charset?: string;
  /** Headers: a value a string or a list of strings. */
  headers?: Record<string, string | string[]>;
  /** The body (string, buffer and stream kinds). */ data?: string | Uint8Array;
  /** The file to send (file kind): an absolute path. */ path?: string;
  /** The URL whose response to send (http kind). */ url?: string;
  /** The method of the request to `url` (http kind; default the request's). */ method?: string;
  /** The referrer of the request to `url` (http kind). */ referrer?: string;
  /** The session sending the request to `url` (http kind; default this one, null a fresh one). */
  session?: Session | null;
  /** The body of the request to `url` (http kind; not for GET or HEAD). */
  uploadData?: { contentType: string; data: string };
}

/** A callback protocol's handler. */
export type CallbackProtocolHandler<Answer> = (
  request: ProtocolRequest,
  callback: (response?: Answer | ProtocolResponse) => void,
) => void;

/** The kinds of callback protocol whose answer carries the body (read by this module). */
export type CallbackKind = "string" | "buffer" | "stream";

/** Reads a callback's answer into the Response it stands for, given the request it answers. */
export type AnswerReader = (answer: unknown, request: Request) => Response | Promise<Response>;

export { CallbackAnswerError };

/**
 * Fails the request with `code`, passing through the protocol tap.
 *
 * @example
 * ```ts
 * // failAnswer("net::ERR_FAILED", "a string protocol's answer is not a string");
 * ```
 */
export function failAnswer(code: NetErrorCode, why: string): never {
  throw new CallbackAnswerError(code, why);
}

/** A failure of a kind's own loading (a NetError) as the callback's answer's, with its code. */
function asAnswerError(error: unknown): unknown {
  if (!isNetError(error) || error instanceof CallbackAnswerError) return error;
  const detail = error.message.startsWith(`${error.code}: `)
    ? error.message.slice(error.code.length + 2)
    : error.message;
  return new CallbackAnswerError(error.code, detail, { cause: error });
}

/**
 * Whether a value is an object Electron reads fields of (`gin::Dictionary`): no function.
 *
 * @example
 * ```ts
 * isDict({ path: "/a" }); // true
 * isDict("/a"); // false
 * ```
 */
export function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}

/** The headers an answer gives (`headers`, and `mimeType` as `content-type`). */
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
  return web ?? failAnswer("net::ERR_FAILED", "a stream protocol's data is not a Node stream");
}

function body(kind: CallbackKind, answer: unknown, dict: Record<string, unknown>): BodyInit | null {
  if (kind === "stream") return streamBody(answer, dict);
  if (kind === "string") {
    if (typeof answer === "string") return answer;
    if (!isDict(answer)) {
      failAnswer("net::ERR_FAILED", "a string protocol's answer is not a string");
    }
    return typeof dict.data === "string" ? dict.data : "";
  }
  if (answer instanceof Uint8Array) return answer as Uint8Array<ArrayBuffer>;
  if (dict.data instanceof Uint8Array) return dict.data as Uint8Array<ArrayBuffer>;
  failAnswer("net::ERR_FAILED", "a buffer protocol's data is not a Buffer");
}

/** What every kind reads of a callback's answer first. */
export interface AnswerHead {
  /** The answer's fields (empty for an answer that is not an object). */
  readonly dict: Record<string, unknown>;
  /** `statusCode` (default 200). */ readonly status: number;
  /** `headers`, and `mimeType` as `content-type`. */ readonly headers: Headers;
  /** The redirect the answer asks for (a 3xx with a `Location`), or null. */
  readonly redirect: Response | null;
}

/**
 * The first steps of Electron's `StartLoading`, the same for every kind: no answer fails with
 * `net::ERR_NOT_IMPLEMENTED`, `{ error: n }` with Chromium's code numbered n; then the status and
 * headers, and the redirect a 3xx with a `Location` asks for. A kind that takes only objects
 * (`mustBeObject`) fails with `net::ERR_NOT_IMPLEMENTED` for anything else, unless it redirects.
 *
 * @example
 * ```ts
 * readAnswerHead("http", { statusCode: 201 }, true).status; // 201
 * // readAnswerHead("http", "text", true); // throws net::ERR_NOT_IMPLEMENTED
 * ```
 */
export function readAnswerHead(kind: string, answer: unknown, mustBeObject: boolean): AnswerHead {
  if (answer === undefined) {
    failAnswer("net::ERR_NOT_IMPLEMENTED", "the callback was given nothing");
  }
  const dict = isDict(answer) && !(answer instanceof Uint8Array)
    ? answer as Record<string, unknown>
    : {};
  if (typeof dict.error === "number") {
    failAnswer(
      netErrorCodeOf(dict.error) ?? "net::ERR_FAILED",
      `the callback gave error ${dict.error}`,
    );
  }
  const status = typeof dict.statusCode === "number" ? dict.statusCode : 200;
  const headers = responseHeaders(dict);
  const redirect = status >= 300 && status < 400 && headers.has("location")
    ? new Response(null, { status, headers })
    : null;
  if (redirect === null && mustBeObject && !isDict(answer)) {
    failAnswer("net::ERR_NOT_IMPLEMENTED", `a ${kind} protocol's answer must be an object`);
  }
  return { dict, status, headers, redirect };
}

/**
 * The reader of a kind that loads its response itself (Electron's file and http kinds): the first
 * steps every kind shares ({@link readAnswerHead}, a redirect answered at once), then `load`; a
 * NetError of `load`'s (reading the file, the new request) fails the request with its code, as
 * Electron's loaders complete with their own.
 *
 * @example
 * ```ts
 * const read = loadingAnswerReader("echo", true, async (head) => new Response(String(head.dict.url)));
 * await (await read({ url: "x" }, new Request("app://a/"))).text(); // "x"
 * ```
 */
export function loadingAnswerReader(
  kind: string,
  mustBeObject: boolean,
  load: (head: AnswerHead, answer: unknown, request: Request) => Promise<Response>,
): AnswerReader {
  return async (answer, request) => {
    const head = readAnswerHead(kind, answer, mustBeObject);
    if (head.redirect !== null) return head.redirect;
    try {
      return await load(head, answer, request);
    } catch (error) {
      throw asAnswerError(error);
    }
  };
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
  const { dict, status, headers, redirect } = readAnswerHead(kind, answer, kind !== "string");
  if (redirect !== null) return redirect;
  if (status === 204 || status === 205 || status === 304) {
    return new Response(null, { status, headers });
  }
  const content = body(kind, answer, dict);
  // Electron's SendContents lets any origin read a string or buffer protocol's answer.
  if (kind !== "stream") headers.append("access-control-allow-origin", "*");
  return new Response(content, { status, headers });
}

/**
 * A callback protocol's handler as a `(Request) => Response` one: the request read into Electron's
 * `ProtocolRequest`, the callback's answer into a Response by the kind's reader (a
 * {@link CallbackKind} for the kinds this module reads).
 *
 * @example
 * ```ts
 * const handler = fromCallbackHandler("string", (_request, callback) => callback("hello"));
 * await (await handler(new Request("app://x/"))).text(); // "hello"
 * ```
 */
export function fromCallbackHandler<Answer>(
  reader: CallbackKind | AnswerReader,
  handler: CallbackProtocolHandler<Answer>,
): (request: Request) => Promise<Response> {
  const read: AnswerReader = typeof reader === "function"
    ? reader
    : (answer) => answerToResponse(reader, answer);
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
    return await read(answer, request);
  };
}
