/**
 * The forward proxy: absolute-form HTTP requests (`GET http://host/path HTTP/1.1`) go through the
 * session's pipeline, so cookies, webRequest and declarative rules, and upstream proxy rules apply.
 * A blocked request answers 403 with a body naming the rule or plugin that blocked it; other
 * failures answer 502 with Chromium's error code.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isNetError, type NetError, type Session } from "../../mod.ts";
import { bodyOf, bodyOfGet, headerPairsOf, headerSafe, sendWebResponse } from "./node_bridge.ts";
import type { RequestLog } from "./request_log.ts";

/**
 * Proxies one absolute-form request through `session`; `url` is the request's own target unless
 * given (a request inside an intercepted tunnel is origin-form: its URL is made from the tunnel).
 * `via` (`1.1 name`) is appended to the request's `Via` header.
 *
 * @example
 * ```ts
 * // http.createServer((req, res) => forward(ses, req, res));
 * ```
 */
export async function forward(
  session: Session,
  req: IncomingMessage,
  res: ServerResponse,
  url: string = req.url!,
  log: RequestLog | null = null,
  via: string | null = null,
): Promise<void> {
  // Only the web's schemes: a client of the proxy port may not read the server's files (file:)
  // or anything else a session could fetch locally.
  if (!/^https?:\/\//i.test(url)) {
    res.writeHead(400, {
      "content-type": "text/plain; charset=utf-8",
      "x-websession-error": "net::ERR_DISALLOWED_URL_SCHEME",
    });
    res.end("websession: the proxy forwards http: and https: URLs only\n");
    return;
  }
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new DOMException("Client went away", "AbortError"));
  };
  res.on("close", onClose);
  let response: Response;
  try {
    const getBody = bodyOfGet(req);
    const given = getBody ?? bodyOf(req);
    const body = log ? recorded(given, log, controller.signal) : given;
    const headers = headerPairsOf(req, true);
    // RFC 9110 7.6.3: a proxy adds itself to Via, which is how a request that comes back is seen
    if (via) headers.push(["via", via]);
    // fetch refuses a GET or HEAD with a body; the pipeline sends one (as Chromium does)
    response = getBody
      ? await session.pipeline.run({
        url,
        method: req.method!,
        headers: new Headers(headers),
        body,
        redirect: "manual",
        signal: controller.signal,
      })
      : await session.fetch(
        url,
        body
          ? {
            method: req.method,
            headers,
            body,
            redirect: "manual",
            signal: controller.signal,
            // @ts-ignore: duplex is needed for a streamed body and missing from the lib types
            duplex: "half",
          }
          // fetch's options only: no object of the session's own options made per request
          : { method: req.method, headers, redirect: "manual", signal: controller.signal },
      );
  } catch (error) {
    if (res.headersSent || controller.signal.aborted) {
      log?.failed(controller.signal, "net::ERR_ABORTED");
      res.destroy();
      return;
    }
    const netError = isNetError(error) ? error as NetError : null;
    log?.failed(controller.signal, netError?.code ?? "net::ERR_FAILED");
    const blocked = netError?.code === "net::ERR_BLOCKED_BY_CLIENT";
    const text = netError ? netError.message : `net::ERR_FAILED: ${(error as Error).message}`;
    res.writeHead(blocked ? 403 : 502, {
      "content-type": "text/plain; charset=utf-8",
      "x-websession-error": netError?.code ?? "net::ERR_FAILED",
      "x-websession-reason": headerSafe(text),
    });
    res.end(`websession: ${text}\n`);
    return;
  }
  await sendWebResponse(res, response, true, log?.bodyRecorder(controller.signal) ?? null, via);
}

/** `body` with each chunk recorded in the log as the session reads it (null stays null). */
function recorded(
  body: ReadableStream<Uint8Array> | null,
  log: RequestLog,
  signal: AbortSignal,
): ReadableStream<Uint8Array> | null {
  if (body === null) return null;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        log.recordRequestBody(signal, chunk);
        controller.enqueue(chunk);
      },
    }),
  );
}
