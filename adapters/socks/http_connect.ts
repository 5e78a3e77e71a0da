/**
 * An HTTP CONNECT tunnel through an HTTP proxy (what Chromium does for https:// URLs behind a
 * `PROXY`): the proxy's answer is either a tunnel (a socket to the target, ready for TLS) or a
 * response, such as a 407 with its `Proxy-Authenticate` challenge, handed back as a `Response`.
 *
 * @module
 */

import type { Socket } from "node:net";
import { builtin } from "../_builtin.ts";
import { SocksError } from "./client.ts";
import type { NetLogSink } from "../../kernel/net_log/sink.ts";
import { logSocket, netErrorOf } from "./net_log_socket.ts";

/** Where the CONNECT goes and what it carries. */
export interface HttpConnectOptions {
  /** The proxy's host. */
  proxyHost: string;
  /** The proxy's port. */
  proxyPort: number;
  /** The target's host (IPv6 without brackets). */
  host: string;
  /** The target's port. */
  port: number;
  /** Extra headers of the CONNECT request (e.g. `Proxy-Authorization`). */
  headers?: HeadersInit;
  /** Aborts. */
  signal?: AbortSignal;
  /** Gives up after this many ms (default 30000). */
  timeout?: number;
  /** The socket's source in the net log: TCP connect and the tunnel's request and answer. */
  netLog?: NetLogSink;
}

/** A tunnel, or the proxy's refusal as a response. */
export type HttpConnectResult = { socket: Socket } | { response: Response };

const decoder = new TextDecoder("latin1");

/**
 * Opens a CONNECT tunnel. Rejects with a `SocksError` coded `net::ERR_PROXY_CONNECTION_FAILED`
 * (`proxyFailed` true) when the proxy cannot be reached or breaks off.
 *
 * @example
 * ```ts
 * const result = await httpConnect({ proxyHost: "127.0.0.1", proxyPort: 3128,
 *   host: "example.com", port: 443 });
 * if ("socket" in result) result.socket.end();
 * ```
 */
export function httpConnect(options: HttpConnectOptions): Promise<HttpConnectResult> {
  return new Promise((resolve, reject) => {
    const authority = options.host.includes(":")
      ? `[${options.host}]:${options.port}`
      : `${options.host}:${options.port}`;
    const socket = builtin("node:net").connect({
      host: options.proxyHost,
      port: options.proxyPort,
    });
    socket.setNoDelay(true);
    const log = options.netLog;
    if (log) logSocket(log, socket, options.proxyHost, options.proxyPort);
    let connected = false;
    let settled = false;
    let buffer = new Uint8Array(0);
    const done = (error: Error | null, result?: HttpConnectResult) => {
      if (settled) return;
      settled = true;
      if (log && connected) {
        log.end(
          "HTTP_TRANSACTION_TUNNEL_READ_HEADERS",
          error ? { net_error: netErrorOf(error) } : undefined,
        );
      }
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.off("data", onData);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(result!);
    };
    const proxyFailure = (message: string, cause?: unknown) =>
      new SocksError("net::ERR_PROXY_CONNECTION_FAILED", message, true, cause);
    const timer = setTimeout(
      () =>
        done(
          new SocksError("net::ERR_CONNECTION_TIMED_OUT", "Proxy CONNECT timed out", !connected),
        ),
      options.timeout ?? 30000,
    );
    const onAbort = () => done(new SocksError("net::ERR_ABORTED", "Aborted", false));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const onData = (chunk: Uint8Array) => {
      const next = new Uint8Array(buffer.length + chunk.length);
      next.set(buffer);
      next.set(chunk, buffer.length);
      buffer = next;
      const text = decoder.decode(buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buffer.length > 64 * 1024) done(proxyFailure("Proxy response head too big"));
        return;
      }
      const lines = text.slice(0, end).split("\r\n");
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
      if (!m) return done(proxyFailure(`Bad proxy status line: ${lines[0].slice(0, 80)}`));
      const status = Number(m[1]);
      const rest = buffer.subarray(end + 4);
      const headers = new Headers();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        try {
          headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        } catch {
          // A header fetch's Headers refuses is left out.
        }
      }
      log?.event("HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS", {
        headers: [lines[0], ...log.headerLines(headers)],
      });
      if (status >= 200 && status < 300) {
        socket.pause();
        if (rest.length) socket.unshift(rest);
        return done(null, { socket });
      }
      // The refusal's body is informational: keep what already arrived, then hang up.
      headers.delete("content-length");
      headers.delete("transfer-encoding");
      socket.destroy();
      const body = status === 204 || status === 304 ? null : rest.slice();
      done(null, {
        response: new Response(body, { status, statusText: m[2] ?? "", headers }),
      });
    };
    socket.on("data", onData);
    socket.once("error", (e) =>
      done(
        connected ? proxyFailure(`Proxy connection failed: ${e.message}`, e) : proxyFailure(
          `Cannot connect to proxy ${options.proxyHost}:${options.proxyPort}: ${e.message}`,
          e,
        ),
      ));
    socket.once("close", () => done(proxyFailure("Proxy closed the connection")));
    socket.once("connect", () => {
      connected = true;
      const headers = new Headers(options.headers);
      headers.set("host", authority);
      const line = `CONNECT ${authority} HTTP/1.1\r\n`;
      let head = line;
      headers.forEach((value, name) => (head += `${name}: ${value}\r\n`));
      if (log) {
        log.begin("HTTP_TRANSACTION_TUNNEL_SEND_REQUEST");
        log.event("HTTP_TRANSACTION_SEND_TUNNEL_HEADERS", {
          headers: log.headerLines(headers),
          line,
        });
      }
      socket.write(`${head}\r\n`);
      if (log) {
        log.end("HTTP_TRANSACTION_TUNNEL_SEND_REQUEST");
        log.begin("HTTP_TRANSACTION_TUNNEL_READ_HEADERS");
      }
    });
  });
}
