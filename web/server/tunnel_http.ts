/**
 * HTTP/1.1 served straight on a decrypted tunnel socket, in this thread: requests parsed with
 * http-parser-js (Node's parser in JavaScript: content-length and chunked bodies, keep-alive,
 * pipelining), each handed over as a Web request and answered with a Web `Response`, one after
 * another. Deno's `node:http` cannot serve a socket it did not accept itself, and a loopback hop to
 * one costs a round of the event loop each way per request; this has none. An upgrade request
 * (WebSocket) inside a tunnel answers 501: it is not done yet.
 *
 * @module
 */
import { HTTPParser } from "http-parser-js";
import type { Duplex } from "node:stream";
import type { Buffer } from "node:buffer";

/** One request read from the tunnel. */
export interface TunnelRequest {
  /** The method. */
  method: string;
  /** The origin-form target (`/path?query`), as the client sent it. */
  path: string;
  /** The headers, as sent (hop-by-hop ones included). */
  headers: Headers;
  /** The body, streamed as it arrives, or null. */
  body: ReadableStream<Uint8Array> | null;
  /** Aborts when the client goes away before the response is sent. */
  signal: AbortSignal;
}

/** Answers one request of the tunnel. */
export type TunnelHandler = (request: TunnelRequest) => Promise<Response>;

const SMALL_BODY = 64 * 1024;
const PARSE_SLICE = 16 * 1024;
const NO_BODY = new Set([204, 304]);
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  407: "Proxy Authentication Required",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
};
const encoder = new TextEncoder();

interface Parsed {
  request: TunnelRequest;
  keepAlive: boolean;
  upgrade: boolean;
  abort: AbortController;
}

/**
 * Serves the requests that arrive on `socket` with `handle` until either side closes.
 *
 * @example
 * ```ts
 * // serveHttp1(tlsSocket, (request) => ses.fetch("https://example.com" + request.path));
 * ```
 */
export function serveHttp1(socket: Duplex, handle: TunnelHandler): void {
  const parser = new HTTPParser(HTTPParser.REQUEST);
  const waiting: Parsed[] = [];
  let body: ReadableStreamDefaultController<Uint8Array> | null = null;
  let current: Parsed | null = null;
  let closed = false;

  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    const headers = new Headers();
    const raw = info.headers;
    for (let i = 0; i < raw.length; i += 2) {
      try {
        headers.append(raw[i], raw[i + 1]);
      } catch {
        // a value fetch refuses is dropped, as node:http's bridge does
      }
    }
    const chunked = /chunked/i.test(headers.get("transfer-encoding") ?? "");
    const length = Number(headers.get("content-length") ?? 0);
    let stream: ReadableStream<Uint8Array> | null = null;
    if (chunked || length > 0) {
      stream = new ReadableStream<Uint8Array>({
        start: (controller) => void (body = controller),
        pull: () => void socket.resume(),
        cancel: () => void (body = null),
      });
    }
    const abort = new AbortController();
    waiting.push({
      request: {
        method: HTTPParser.methods[info.method as unknown as number] ?? "GET",
        path: info.url,
        headers,
        body: stream,
        signal: abort.signal,
      },
      keepAlive: info.shouldKeepAlive && !info.upgrade,
      upgrade: info.upgrade,
      abort,
    });
    if (/100-continue/i.test(headers.get("expect") ?? "")) {
      socket.write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    next();
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
    if (!body) return;
    body.enqueue(chunk.slice(offset, offset + length));
    if ((body.desiredSize ?? 1) <= 0) socket.pause();
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    body?.close();
    body = null;
  };

  const next = () => {
    if (current || closed) return;
    const parsed = waiting.shift();
    if (!parsed) return;
    current = parsed;
    respond(parsed).then(
      (keepGoing) => {
        current = null;
        if (!keepGoing) {
          closed = true;
          socket.end();
        } else next();
      },
      () => {
        closed = true;
        socket.destroy();
      },
    );
  };

  const respond = async (parsed: Parsed): Promise<boolean> => {
    if (parsed.upgrade) {
      await write(socket, head(501, "", new Headers({ "content-length": "0" }), false));
      return false;
    }
    const response = await handle(parsed.request);
    await send(socket, parsed.request.method, response, parsed.keepAlive);
    return parsed.keepAlive;
  };

  socket.on("data", (chunk: Buffer) => {
    // In slices: the parser adds every byte of a call that ends between messages to the size of
    // the next head, so one large read holding a whole body would count as an oversized head.
    for (let at = 0; at < chunk.length && !closed; at += PARSE_SLICE) {
      const result = parser.execute(chunk.subarray(at, at + PARSE_SLICE));
      if (result instanceof Error) {
        closed = true;
        body?.error(result);
        socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
      }
    }
  });
  const gone = () => {
    closed = true;
    try {
      body?.error(new DOMException("The client went away", "AbortError"));
    } catch { /* already closed */ }
    body = null;
    current?.abort.abort();
    for (const parsed of waiting.splice(0)) parsed.abort.abort();
  };
  socket.on("close", gone);
  socket.on("error", () => socket.destroy());
  socket.resume();
}

function head(status: number, statusText: string, headers: Headers, keepAlive: boolean): string {
  let text = `HTTP/1.1 ${status} ${statusText || REASONS[status] || "Unknown"}\r\n`;
  for (const [name, value] of headers) {
    if (name === "set-cookie" || HOP_BY_HOP.has(name)) continue;
    text += `${name}: ${value}\r\n`;
  }
  for (const cookie of headers.getSetCookie()) text += `set-cookie: ${cookie}\r\n`;
  return `${text}connection: ${keepAlive ? "keep-alive" : "close"}\r\n`;
}

function write(socket: Duplex, data: string | Uint8Array): Promise<void> {
  if (socket.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      socket.destroyed ? reject(new Error("The client went away")) : resolve();
    };
    socket.once("drain", done);
    socket.once("close", done);
  });
}

async function send(
  socket: Duplex,
  method: string,
  response: Response,
  keepAlive: boolean,
): Promise<void> {
  const { status, statusText, headers } = response;
  const bodiless = method === "HEAD" || NO_BODY.has(status) || status < 200;
  const length = headers.get("content-length");
  if (bodiless || response.body === null) {
    await response.body?.cancel();
    const fixed = new Headers(headers);
    if (!bodiless) fixed.set("content-length", "0");
    await write(socket, `${head(status, statusText, fixed, keepAlive)}\r\n`);
    return;
  }
  if (length !== null && Number(length) <= SMALL_BODY) {
    // head and a small body of known length in one write
    const bytes = new Uint8Array(await response.arrayBuffer());
    const start = encoder.encode(`${head(status, statusText, headers, keepAlive)}\r\n`);
    const out = new Uint8Array(start.length + bytes.length);
    out.set(start);
    out.set(bytes, start.length);
    await write(socket, out);
    return;
  }
  const chunked = length === null;
  await write(
    socket,
    `${head(status, statusText, headers, keepAlive)}${
      chunked ? "transfer-encoding: chunked\r\n" : ""
    }\r\n`,
  );
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      if (chunked) await write(socket, `${value.length.toString(16)}\r\n`);
      await write(socket, value);
      if (chunked) await write(socket, "\r\n");
    }
    if (chunked) await write(socket, "0\r\n\r\n");
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
}
