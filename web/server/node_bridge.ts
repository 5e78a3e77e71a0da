/**
 * Between `node:http` (which the server uses because it sees absolute-form proxy requests and
 * CONNECT in both Deno and Bun) and Web `Request`/`Response`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

const SMALL_BODY = 64 * 1024;

const nativeBody = Object.getOwnPropertyDescriptor(Response.prototype, "body")!.get!;

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

/** A header name fetch accepts (RFC 9110's token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What fetch refuses in a header value (after node's parser, which already refuses most). */
const BAD_VALUE = /[\0\r\n]/;

/**
 * The request's headers as Web Headers, without hop-by-hop ones when `forProxy` is set.
 *
 * @example
 * ```ts
 * // headersOf(req, true)
 * ```
 */
export function headersOf(req: IncomingMessage, forProxy: boolean): Headers {
  return new Headers(headerPairsOf(req, forProxy));
}

/**
 * The request's headers as `[name, value]` pairs a `Headers` accepts as they are (names in lower
 * case, in the order received), without hop-by-hop ones (nor `Host`, nor `Expect`, which the
 * proxy has answered itself) when `forProxy` is set. A
 * header fetch would refuse is dropped, as a browser would. Pairs rather than a `Headers`: the
 * session copies the headers it is given anyway, and a `Headers` costs a sorted copy to read.
 *
 * @example
 * ```ts
 * // const headers = headerPairsOf(req, true); // [["accept", "*\/*"], ...]
 * ```
 */
export function headerPairsOf(req: IncomingMessage, forProxy: boolean): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const listed = forProxy ? req.headers.connection : undefined;
  const connection = listed === undefined ? null : String(listed).toLowerCase().split(/\s*,\s*/);
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (forProxy) {
      // Expect: node:http has answered 100 Continue already, and the whole body goes on.
      if (HOP_BY_HOP.has(name) || name === "host" || name === "expect") continue;
      if (connection !== null && connection.includes(name)) continue;
    }
    const value = raw[i + 1];
    if (!TOKEN.test(name) || BAD_VALUE.test(value)) continue;
    pairs.push([name, value]);
  }
  return pairs;
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
  if (req.method === "GET" || req.method === "HEAD" || !framesABody(req)) return null;
  return Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
}

/**
 * The body of a GET or HEAD request that has one (`Content-Length` above 0, or chunked), as a
 * Web stream; null for any other request.
 *
 * @example
 * ```ts
 * // bodyOfGet(req) // a stream for `GET /search` with a JSON query in its body
 * ```
 */
export function bodyOfGet(req: IncomingMessage): ReadableStream<Uint8Array> | null {
  if ((req.method !== "GET" && req.method !== "HEAD") || !framesABody(req)) return null;
  return Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
}

function framesABody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return length !== undefined ? length !== "0" : req.headers["transfer-encoding"] !== undefined;
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
  // One pass over the headers (each read of a Headers is a sorted copy): set-cookie lines come
  // one by one from it, in both runtimes.
  const headers: Record<string, string | string[]> = {};
  let cookies: string[] | null = null;
  let encoded = false;
  let listed: string | null = null;
  for (const [name, value] of response.headers) {
    if (name === "set-cookie") (cookies ??= []).push(value);
    else if (name === "connection" || name === "keep-alive" || forProxy && HOP_BY_HOP.has(name)) {
      // The server keeps or closes its client's connection itself, as the client asked (an API
      // handler's Connection: keep-alive, as hono's event stream sends, would override a
      // client's Connection: close).
      if (forProxy && name === "connection") listed = value.toLowerCase();
    } else {
      if (name === "content-encoding") encoded = true;
      headers[name] = value;
    }
  }
  // RFC 9110 7.6.1: the headers the origin's Connection names were for the hop to this proxy only
  if (listed !== null) {
    for (const name of listed.split(",")) {
      const header = name.trim();
      if (header === "set-cookie") cookies = null;
      else delete headers[header];
    }
  }
  // fetch has already decoded a compressed body, so its encoding and length no longer apply.
  if (forProxy && encoded) {
    delete headers["content-encoding"];
    delete headers["content-length"];
  }
  if (cookies !== null) headers["set-cookie"] = cookies;
  // RFC 9110 7.6.3: a proxy adds itself to the Via of the responses it forwards too
  if (via) headers["via"] = headers["via"] ? `${headers["via"]}, ${via}` : via;
  const length = Number(headers["content-length"] ?? NaN);
  if (length <= SMALL_BODY) {
    // A small body of known length goes out in one write with its head. Read before `body` is
    // looked at: on Deno the getter makes a stream around a body of bytes (a Response the cache
    // made), which the read then goes through chunk by chunk (CPU profile of the server).
    const body = new Uint8Array(await response.arrayBuffer());
    res.writeHead(response.status, response.statusText || undefined, headers);
    if (body.byteLength === 0 && nativeBody.call(response) === null) {
      res.end();
      return;
    }
    res.end(body);
    record?.(body);
    record?.(null);
    return;
  }
  // The body as the runtime has it: a transport's own `body` getter may build a wrapper stream,
  // which a response without a body does not need.
  if (nativeBody.call(response) === null) {
    res.writeHead(response.status, response.statusText || undefined, headers);
    res.end();
    return;
  }
  res.writeHead(response.status, response.statusText || undefined, headers);
  const reader = response.body!.getReader();
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
