/**
 * HTTP/1.1 over a socket someone else opened (a SOCKS tunnel): `fetchOverSocket` writes the
 * request, reads the response head, and streams the body (Content-Length, chunked, or until
 * close), with TLS (`node:tls`) for https. `socksFetch` is that over {@link socksConnect}.
 * One connection per request (`Connection: close`).
 *
 * @module
 */

import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { builtin } from "../_builtin.ts";
import { socksConnect, SocksError, type SocksProxy } from "./client.ts";

export {
  socksConnect,
  type SocksConnectOptions,
  SocksError,
  type SocksErrorCode,
  type SocksProxy,
  type SocksTarget,
} from "./client.ts";
export { httpConnect, type HttpConnectOptions, type HttpConnectResult } from "./http_connect.ts";

/** TLS options for https targets. */
export interface SocketFetchTlsOptions {
  /** Extra CA certificates (PEM) to trust. */
  caCerts?: string[];
}

/** Options of {@link socksFetch}. */
export interface SocksFetchOptions extends SocketFetchTlsOptions {
  /** The SOCKS proxy. */
  proxy: SocksProxy;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Connect/handshake timeout in ms (default 30000). */
  timeout?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");

/** A byte queue fed by socket events, read by the response parser. */
class SocketBytes {
  #socket: Socket | TLSSocket;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(socket: Socket | TLSSocket) {
    this.#socket = socket;
    socket.on("data", (c: Uint8Array) => {
      this.#chunks.push(c);
      this.#size += c.length;
      if (this.#size > 1 << 20) socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (e: Error) => {
      this.#error ??= e;
      this.#notify();
    });
    socket.resume();
  }

  #notify() {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  async #more(): Promise<boolean> {
    if (this.#error) throw this.#error;
    if (this.#ended) return false;
    this.#socket.resume();
    await new Promise<void>((r) => (this.#wake = r));
    if (this.#error) throw this.#error;
    return true;
  }

  #flat(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0];
    const all = new Uint8Array(this.#size);
    let o = 0;
    for (const c of this.#chunks) {
      all.set(c, o);
      o += c.length;
    }
    this.#chunks = this.#size ? [all] : [];
    return all;
  }

  #take(n: number): Uint8Array {
    const all = this.#flat();
    const out = all.slice(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length ? [rest] : [];
    this.#size = rest.length;
    return out;
  }

  /** Reads up to and including `\r\n\r\n` (or `\r\n` with `line`). */
  async readUntil(marker: string, limit: number): Promise<Uint8Array | null> {
    const m = encoder.encode(marker);
    for (;;) {
      const all = this.#flat();
      const at = indexOf(all, m);
      if (at >= 0) return this.#take(at + m.length);
      if (all.length > limit) throw new Error("Response head too big");
      if (!(await this.#more())) return null;
    }
  }

  async readExactly(n: number): Promise<Uint8Array> {
    while (this.#size < n) {
      if (!(await this.#more())) throw new Error("Connection closed before the body ended");
    }
    return this.#take(n);
  }

  /** Whatever is buffered (at most `max`), waiting for data; null at the end. */
  async readSome(max: number): Promise<Uint8Array | null> {
    while (this.#size === 0) if (!(await this.#more())) return null;
    return this.#take(Math.min(max, this.#size));
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function bodyStream(
  bytes: SocketBytes,
  framing: { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" },
): ReadableStream<Uint8Array> {
  let remaining = framing.kind === "length" ? framing.length : 0;
  let chunkLeft = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (done) return;
        if (framing.kind === "length") {
          if (remaining === 0) {
            done = true;
            bytes.destroy();
            return controller.close();
          }
          const c = await bytes.readSome(Math.min(remaining, 65536));
          if (!c) throw new Error("Connection closed before the body ended");
          remaining -= c.length;
          controller.enqueue(c);
        } else if (framing.kind === "close") {
          const c = await bytes.readSome(65536);
          if (!c) {
            done = true;
            return controller.close();
          }
          controller.enqueue(c);
        } else {
          if (chunkLeft === 0) {
            const line = await bytes.readUntil("\r\n", 4096);
            if (!line) throw new Error("Connection closed inside a chunked body");
            const size = parseInt(decoder.decode(line).split(";")[0].trim(), 16);
            if (!Number.isFinite(size) || size < 0) throw new Error("Bad chunk size");
            if (size === 0) {
              // Trailers, then the final CRLF.
              for (;;) {
                const t = await bytes.readUntil("\r\n", 65536);
                if (!t || t.length === 2) break;
              }
              done = true;
              bytes.destroy();
              return controller.close();
            }
            chunkLeft = size;
          }
          const c = await bytes.readSome(Math.min(chunkLeft, 65536));
          if (!c) throw new Error("Connection closed inside a chunked body");
          chunkLeft -= c.length;
          if (chunkLeft === 0) await bytes.readExactly(2);
          controller.enqueue(c);
        }
      } catch (e) {
        done = true;
        bytes.destroy();
        controller.error(e);
      }
    },
    cancel() {
      done = true;
      bytes.destroy();
    },
  });
}

/**
 * Sends `request` as HTTP/1.1 over an open socket (TLS is added for https) and resolves to the
 * response; the body streams from the socket, which is closed when the body ends.
 *
 * @example
 * ```ts
 * import { connect } from "node:net";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
 *   new Response("over the socket"));
 * const socket = connect({ host: "127.0.0.1", port: server.addr.port });
 * await new Promise((r) => socket.once("connect", r));
 * const url = `http://127.0.0.1:${server.addr.port}/`;
 * const response = await fetchOverSocket(socket, new Request(url));
 * await response.text(); // "over the socket"
 * await server.shutdown();
 * ```
 */
export async function fetchOverSocket(
  raw: Socket,
  request: Request,
  options: SocketFetchTlsOptions & { signal?: AbortSignal } = {},
): Promise<Response> {
  const url = new URL(request.url);
  let socket: Socket | TLSSocket = raw;
  if (url.protocol === "https:") {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const tls = builtin("node:tls").connect({
      socket: raw,
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      ca: options.caCerts?.length ? options.caCerts : undefined,
      ALPNProtocols: ["http/1.1"],
    });
    await new Promise<void>((resolve, reject) => {
      tls.once("secureConnect", () => resolve());
      tls.once("error", (e) => reject(e));
    });
    socket = tls;
  }
  const onAbort = () => socket.destroy(new Error("Aborted"));
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
  const headers = new Headers(request.headers);
  headers.set("host", url.host);
  headers.set("connection", "close");
  if (!headers.has("accept")) headers.set("accept", "*/*");
  if (body) headers.set("content-length", String(body.length));
  else if (!["GET", "HEAD", "OPTIONS", "DELETE"].includes(request.method)) {
    headers.set("content-length", "0");
  }
  let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
  headers.forEach((value, name) => (head += `${name}: ${value}\r\n`));
  for (const cookie of headers.getSetCookie?.() ?? []) head += `set-cookie: ${cookie}\r\n`;
  head += "\r\n";
  const bytes = new SocketBytes(socket);
  socket.write(encoder.encode(head));
  if (body?.length) socket.write(body);
  for (;;) {
    const rawHead = await bytes.readUntil("\r\n\r\n", 256 * 1024);
    if (!rawHead) throw new Error("Connection closed before a response arrived");
    const lines = decoder.decode(rawHead).split("\r\n");
    const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!status) throw new Error(`Bad status line: ${lines[0].slice(0, 80)}`);
    const code = Number(status[1]);
    if (code >= 100 && code < 200) continue; // 100 Continue and friends.
    const responseHeaders = new Headers();
    for (const line of lines.slice(1)) {
      if (line === "") continue;
      const colon = line.indexOf(":");
      if (colon > 0) {
        responseHeaders.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
    }
    const noBody = request.method === "HEAD" || code === 204 || code === 304;
    const te = responseHeaders.get("transfer-encoding")?.toLowerCase() ?? "";
    const cl = responseHeaders.get("content-length");
    let stream: ReadableStream<Uint8Array> | null = null;
    if (noBody) bytes.destroy();
    else if (te.includes("chunked")) stream = bodyStream(bytes, { kind: "chunked" });
    else if (cl !== null) stream = bodyStream(bytes, { kind: "length", length: Number(cl) });
    else stream = bodyStream(bytes, { kind: "close" });
    const encoding = responseHeaders.get("content-encoding")?.toLowerCase();
    if (stream && (encoding === "gzip" || encoding === "deflate")) {
      stream = stream.pipeThrough(
        new DecompressionStream(encoding) as unknown as TransformStream<Uint8Array, Uint8Array>,
      );
    }
    return new Response(stream, {
      status: code,
      statusText: status[2] ?? "",
      headers: responseHeaders,
    });
  }
}

/**
 * `fetch` through a SOCKS proxy: connects with {@link socksConnect}, then HTTP/1.1 (over TLS for
 * https). Errors carry Chromium's `net::ERR_*` code.
 *
 * @example
 * ```ts
 * import { createServer } from "node:net";
 * // With a SOCKS5 proxy listening, this fetches example.com through it; a proxy that is not
 * // there fails with Chromium's code. A port nothing listens on:
 * const probe = createServer().listen(0, "127.0.0.1");
 * await new Promise((resolve) => probe.once("listening", resolve));
 * const { port } = probe.address() as { port: number };
 * await new Promise((resolve) => probe.close(resolve));
 * const failed = await socksFetch(new Request("http://example.com/"), {
 *   proxy: { version: 5, host: "127.0.0.1", port },
 * }).catch((error) => error);
 * failed.code; // "net::ERR_PROXY_CONNECTION_FAILED"
 * ```
 */
export async function socksFetch(request: Request, options: SocksFetchOptions): Promise<Response> {
  const url = new URL(request.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Unsupported URL scheme for SOCKS fetch: ${url.protocol}`);
  }
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const socket = await socksConnect(options.proxy, { host, port }, {
    signal: options.signal ?? request.signal,
    timeout: options.timeout,
  });
  try {
    return await fetchOverSocket(socket, request, {
      caCerts: options.caCerts,
      signal: options.signal ?? request.signal,
    });
  } catch (e) {
    socket.destroy();
    if (e instanceof SocksError) throw e;
    throw e;
  }
}
