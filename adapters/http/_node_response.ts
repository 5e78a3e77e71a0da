/**
 * A node:http response as a fetch `Response`, shared by the transports that send through
 * node:http (host rules, bodied GETs): raw headers kept in order, no body for 1xx/204/205/304 or a
 * HEAD, the body streamed and cancellable, errors as `net::ERR_*`.
 *
 * @module
 */
import type * as Http from "node:http";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import { noteSentTo } from "../../kernel/http/remote_address.ts";
import type { PipelineRequest } from "../../kernel/request.ts";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The fetch `Response` for a node:http response to `request`; the socket's peer is noted as where
 * the hop went (webRequest's `details.ip`).
 *
 * @example
 * ```ts ignore
 * node.http.request(options, (res) => resolve(responseFromNode(res, request)));
 * ```
 */
export function responseFromNode(
  res: Http.IncomingMessage,
  request: Pick<PipelineRequest, "url" | "data" | "method" | "signal">,
): Response {
  const { method, signal } = request;
  noteSentTo(request, res.socket?.remoteAddress ?? "");
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i], raw[i + 1]);
    } catch {
      // a line Headers cannot hold (a NUL in the value, read by the lenient parser) is dropped
    }
  }
  const status = res.statusCode ?? 502;
  const empty = NULL_BODY.has(status) || method === "HEAD";
  const body = empty ? null : new ReadableStream<Uint8Array>({
    start(controller) {
      res.on("data", (chunk: Uint8Array) => controller.enqueue(new Uint8Array(chunk)));
      res.on("end", () => controller.close());
      res.on("error", (error) => controller.error(toNetError(error, signal)));
    },
    cancel() {
      res.destroy();
    },
  });
  if (empty) res.resume();
  return new Response(body, {
    status: status < 200 ? 200 : status,
    statusText: res.statusMessage ?? "",
    headers,
  });
}
