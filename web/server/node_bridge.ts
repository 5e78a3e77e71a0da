/**
 * Between `node:http` (which the server uses because it sees absolute-form proxy requests and
 * CONNECT in both Deno and Bun) and Web `Request`/`Response`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

const SMALL_BODY = 64 * 1024;

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * The request's headers as Web Headers, without hop-by-hop ones when `forProxy` is set.
 *
 * @example
 * ```ts
 * // headersOf(req, true)
 * ```
 */
export function headersOf(req: IncomingMessage, forProxy: boolean): Headers {
  const headers = new Headers();
  const connection = String(req.headers.connection ?? "").toLowerCase().split(/\s*,\s*/);
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (forProxy && (HOP_BY_HOP.has(name) || connection.includes(name))) continue;
    if (name === "host" && forProxy) continue;
    try {
      headers.append(name, raw[i + 1]);
    } catch {
      // A header value fetch refuses is dropped, as a browser would.
    }
  }
  return headers;
}

/**
 * The request body as a Web stream, or null for methods without one.
 *
 * @example
 * ```ts
 * // bodyOf(req)
 * ```
 */
export function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> | null {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const length = req.headers["content-length"];
  if (length === "0" || (length === undefined && req.headers["transfer-encoding"] === undefined)) {
    return null;
  }
  return Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
}

/**
 * Makes a Web Request from a node request (for the control API's hono app).
 *
 * @example
 * ```ts
 * // const request = toWebRequest(req, "http://127.0.0.1:8787");
 * ```
 */
export function toWebRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const body = bodyOf(req);
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers: headersOf(req, false),
    body,
    signal,
    // @ts-ignore: duplex is needed for a streamed body and missing from the lib types
    duplex: body ? "half" : undefined,
  });
}

/**
 * Writes a Web Response to a node response, streaming the body; resolves when done (or when the
 * client went away, in which case the body is cancelled). A proxy passes its `via` (`1.1 name`),
 * appended to the response's `Via`.
 *
 * @example
 * ```ts
 * // await sendWebResponse(res, new Response("ok"), false);
 * ```
 */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  forProxy: boolean,
  record: ((chunk: Uint8Array | null) => void) | null = null,
  via: string | null = null,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  // fetch has already decoded a compressed body, so its encoding and length no longer apply.
  const decoded = forProxy && response.headers.has("content-encoding");
  for (const [name, value] of response.headers) {
    if (forProxy && HOP_BY_HOP.has(name)) continue;
    if (name === "set-cookie") continue;
    if (decoded && (name === "content-encoding" || name === "content-length")) continue;
    headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  // RFC 9110 7.6.3: a proxy adds itself to the Via of the responses it forwards too
  if (via) headers["via"] = headers["via"] ? `${headers["via"]}, ${via}` : via;
  if (!response.body) {
    res.writeHead(response.status, response.statusText || undefined, headers);
    res.end();
    return;
  }
  const length = Number(headers["content-length"] ?? NaN);
  if (length <= SMALL_BODY) {
    // A small body of known length goes out in one write with its head.
    const body = new Uint8Array(await response.arrayBuffer());
    res.writeHead(response.status, response.statusText || undefined, headers);
    res.end(body);
    record?.(body);
    record?.(null);
    return;
  }
  res.writeHead(response.status, response.statusText || undefined, headers);
  const reader = response.body.getReader();
  let closed = false;
  res.on("close", () => {
    if (!res.writableFinished) {
      closed = true;
      reader.cancel(new DOMException("The client went away", "AbortError")).catch(() => {});
    }
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || closed) break;
      record?.(value);
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.on("drain", go);
          res.on("close", go);
        });
      }
    }
    res.end();
    record?.(null);
  } catch {
    res.destroy();
  }
}

/**
 * Text made fit for a header value: printable ASCII, at most 300 characters.
 *
 * @example
 * ```ts
 * headerSafe("a\nb"); // "a b"
 * ```
 */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, " ").slice(0, 300);
}
