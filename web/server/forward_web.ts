/**
 * The forward proxy for a request read straight off an intercepted tunnel (`tunnel_http.ts`): the
 * same as `forward_proxy.ts` for `node:http`, with Web types throughout. Through the session's
 * pipeline; a blocked request answers 403 naming the rule or plugin, other failures 502 with
 * Chromium's code.
 *
 * @module
 */
import { isNetError, type NetError, type Session } from "../../mod.ts";
import { headerSafe } from "./node_bridge.ts";
import type { RequestLog } from "./request_log.ts";
import type { TunnelRequest } from "./tunnel_http.ts";

const SMALL_BODY = 64 * 1024;
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** `headers` without the hop-by-hop ones (and those `Connection` names), nor `host` if asked. */
function endToEnd(headers: Headers, dropHost: boolean): Headers {
  const named = headers.get("connection");
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (named) { for (const name of named.split(",")) headers.delete(name.trim()); }
  if (dropHost) headers.delete("host");
  return headers;
}

/**
 * Proxies `request` to `url` through `session` and resolves to the response for the client.
 *
 * @example
 * ```ts
 * // serveHttp1(socket, (request) => forwardWeb(ses, request, `https://example.com${request.path}`));
 * ```
 */
export async function forwardWeb(
  session: Session,
  request: TunnelRequest,
  url: string,
  log: RequestLog | null = null,
): Promise<Response> {
  if (!/^https?:\/\//i.test(url)) {
    return new Response("websession: the proxy forwards http: and https: URLs only\n", {
      status: 400,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "x-websession-error": "net::ERR_DISALLOWED_URL_SCHEME",
      },
    });
  }
  const { signal } = request;
  let body: ReadableStream<Uint8Array> | null = request.body;
  if (body && log) {
    body = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          log.recordRequestBody(signal, chunk);
          out.enqueue(chunk);
        },
      }),
    );
  }
  let response: Response;
  try {
    response = await session.fetch(url, {
      method: request.method,
      headers: endToEnd(request.headers, true),
      body,
      redirect: "manual",
      signal,
      // @ts-ignore: duplex is needed for a streamed body and missing from the lib types
      duplex: body ? "half" : undefined,
    });
  } catch (error) {
    const netError = isNetError(error) ? error as NetError : null;
    log?.failed(signal, signal.aborted ? "net::ERR_ABORTED" : netError?.code ?? "net::ERR_FAILED");
    const blocked = netError?.code === "net::ERR_BLOCKED_BY_CLIENT";
    const text = netError ? netError.message : `net::ERR_FAILED: ${(error as Error).message}`;
    return new Response(`websession: ${text}\n`, {
      status: blocked ? 403 : 502,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "x-websession-error": netError?.code ?? "net::ERR_FAILED",
        "x-websession-reason": headerSafe(text),
      },
    });
  }
  const headers = endToEnd(new Headers(response.headers), false);
  // fetch has already decoded a compressed body, so its encoding and length no longer apply.
  if (headers.has("content-encoding")) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  const record = log?.bodyRecorder(signal) ?? null;
  const { status, statusText } = response;
  if (response.body === null) {
    record?.(null);
    return new Response(null, { status, statusText, headers });
  }
  if (Number(headers.get("content-length") ?? NaN) <= SMALL_BODY) {
    // A small body of known length is read whole: no stream to record it through.
    const bytes = new Uint8Array(await response.arrayBuffer());
    record?.(bytes);
    record?.(null);
    return new Response(bytes, { status, statusText, headers });
  }
  let out: ReadableStream<Uint8Array> = response.body;
  if (record) {
    out = out.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, stream) {
          record(chunk);
          stream.enqueue(chunk);
        },
        flush() {
          record(null);
        },
      }),
    );
  }
  return new Response(out, { status, statusText, headers });
}
