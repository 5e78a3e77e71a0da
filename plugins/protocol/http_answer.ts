/**
 * The http kind of Electron's deprecated callback protocols (`registerHttpProtocol`,
 * `interceptHttpProtocol`), read as `electron_url_loader_factory.cc`'s `StartLoadingHttp` reads the
 * callback's answer (an object; anything else `net::ERR_NOT_IMPLEMENTED`): a new request to `url`
 * (not a URL: `net::ERR_INVALID_URL`) with the request's headers, `method` (default the request's),
 * `referrer`, and `uploadData` (`{ contentType, data }`, left out of a GET or HEAD), whose response,
 * redirects followed, is the answer; its failure is the request's, with its code. The request goes
 * through a session's whole pipeline: `session` (a Session), this session when it is left out (as
 * Electron's docs say), a fresh in-memory one for `session: null` (closed once the body is read).
 * As in Electron, a handler that intercepts a scheme and names a URL of it through the same
 * session is asked again: `session: null` is Electron's way out.
 *
 * @module
 */
import { closePartition, fromPartition } from "../../kernel/partitions.ts";
import type { SessionFetchInit } from "../../kernel/request.ts";
import { Session } from "../../kernel/session.ts";
import {
  type AnswerReader,
  failAnswer,
  isDict,
  loadingAnswerReader,
} from "./callback_protocols.ts";

/**
 * The request's headers for the new request: what Chromium keeps in a request's header list
 * (the Cookie header, the Referer, the Host and the body's length are the loader's own).
 */
function forwardedHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  for (const name of ["cookie", "referer", "host", "content-length"]) headers.delete(name);
  return headers;
}

function initOf(dict: Record<string, unknown>, request: Request): SessionFetchInit {
  const method = typeof dict.method === "string" ? dict.method : request.method;
  const headers = forwardedHeaders(request);
  const init: SessionFetchInit = { method, headers, redirect: "follow", signal: request.signal };
  const upload = dict.uploadData;
  if (
    method !== "GET" && method !== "HEAD" && isDict(upload) &&
    typeof upload.contentType === "string" && typeof upload.data === "string"
  ) {
    init.body = upload.data;
    headers.set("content-type", upload.contentType);
  }
  if (typeof dict.referrer === "string" && URL.canParse(dict.referrer)) {
    init.referrer = dict.referrer;
  }
  return init;
}

/** Fetches through a fresh in-memory session, closed once the response's body is read. */
async function fetchInFreshSession(url: string, init: SessionFetchInit): Promise<Response> {
  const partition = `websession-http-protocol-${crypto.randomUUID()}`;
  const close = () => closePartition(partition).catch(() => {});
  let response: Response;
  try {
    response = await fromPartition(partition).fetch(url, init);
  } catch (error) {
    await close();
    throw error;
  }
  if (response.body === null) {
    await close();
    return response;
  }
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  response.body.pipeTo(writable).catch(() => {}).then(close);
  const { status, statusText, headers } = response;
  return new Response(readable, { status, statusText, headers });
}

/**
 * The reader of an http protocol's answers; `own` is the session whose protocol it is.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const read = httpAnswerReader(() => session.defaultSession);
 * await (await read({ url: "data:text/plain,hi" }, new Request("app://x/"))).text(); // "hi"
 * ```
 */
export function httpAnswerReader(own: () => Session): AnswerReader {
  return loadingAnswerReader("http", true, async ({ dict }, _answer, request) => {
    const url = typeof dict.url === "string" ? URL.parse(dict.url) : null;
    if (url === null) {
      failAnswer("net::ERR_INVALID_URL", `the callback's url ${String(dict.url)} is not a URL`);
    }
    const init = initOf(dict, request);
    if (dict.session === null) return await fetchInFreshSession(url.href, init);
    const session = dict.session instanceof Session ? dict.session : own();
    return await session.fetch(url.href, init);
  });
}
