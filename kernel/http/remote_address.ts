/**
 * Where a hop was sent, for webRequest's `details.ip` ("the server IP address that the request
 * was actually sent to"): the component that puts the hop on the wire notes the host it connected
 * to (the URL's for a direct send, a proxy's through a proxy, as Chromium reports the socket's
 * peer), and `remoteAddress` gives it when that host is an IP literal. A name is not resolved
 * again: `fetch` does not say which of its addresses answered, so no IP is claimed for it.
 *
 * @module
 */
import type { PipelineRequest } from "../request.ts";

/** The key of the note in `request.data`, shared by every copy of the module. */
const SENT_TO = Symbol.for("websession.sentTo");

/** The hop (its URL) and the host its connection went to, when it is not the URL's own. */
interface SentTo {
  readonly url: string;
  readonly host: string;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Notes the host (name or IP literal, IPv6 with or without brackets) the current hop's
 * connection went to; without one, the URL's own host (a direct send: noted without parsing the
 * URL or allocating, as this runs for every request).
 *
 * @example
 * ```ts
 * const request = { url: "http://127.0.0.1/", data: new Map() };
 * noteSentTo(request);
 * const proxied = { url: "http://example.com/", data: new Map() };
 * noteSentTo(proxied, "127.0.0.1");
 * ```
 */
export function noteSentTo(request: Pick<PipelineRequest, "url" | "data">, host?: string): void {
  request.data.set(SENT_TO, host === undefined ? request.url : { url: request.url, host });
}

/**
 * The IP the current hop was sent to, when its connection's host was an IP literal (IPv6 without
 * brackets, as Chromium writes it); `undefined` when nothing went on the wire for this hop (a
 * protocol handler, a cache hit, `data:`) or the host was a name.
 *
 * @example
 * ```ts
 * import { parseUrl } from "./url_parts.ts";
 * const url = "http://[::1]/";
 * const request = { url, urlParts: parseUrl(url)!, data: new Map() };
 * noteSentTo(request);
 * remoteAddress(request); // "::1"
 * ```
 */
export function remoteAddress(
  request: Pick<PipelineRequest, "url" | "urlParts" | "data">,
): string | undefined {
  const sent = request.data.get(SENT_TO) as string | SentTo | undefined;
  let host: string;
  if (sent === request.url) host = request.urlParts.host;
  else if (typeof sent === "object" && sent.url === request.url) host = sent.host;
  else return undefined;
  if (host.startsWith("[")) host = host.slice(1, -1);
  return host.includes(":") || IPV4.test(host) ? host : undefined;
}
