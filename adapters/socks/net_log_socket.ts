/**
 * A `node:net` socket in the net log, as Chromium logs a TCP client socket on its `SOCKET`
 * source: `TCP_CONNECT` (begin: `address_list`; end: `source_address`, or `net_error`), and
 * when it closes the end of `SOCKET_IN_USE` (if begun), `SOCKET_CLOSED` and the end of
 * `SOCKET_ALIVE`. The source's creator begins
 * `SOCKET_ALIVE` (with the `source_dependency` of what opened it).
 *
 * @module
 */
import type { Socket } from "node:net";
import { NET_ERROR_CODES, type NetErrorCode } from "../../kernel/errors.ts";
import type { NetLogSink } from "../../kernel/net_log/sink.ts";

const OS_ERRORS: Record<string, NetErrorCode> = {
  ECONNREFUSED: "net::ERR_CONNECTION_REFUSED",
  ECONNRESET: "net::ERR_CONNECTION_RESET",
  ETIMEDOUT: "net::ERR_CONNECTION_TIMED_OUT",
  EHOSTUNREACH: "net::ERR_ADDRESS_UNREACHABLE",
  ENETUNREACH: "net::ERR_INTERNET_DISCONNECTED",
  ENOTFOUND: "net::ERR_NAME_NOT_RESOLVED",
};

/**
 * Chromium's error number for a socket error (`ECONNREFUSED` is -102).
 *
 * @example
 * ```ts
 * netErrorOf(Object.assign(new Error("x"), { code: "ECONNREFUSED" })); // -102
 * ```
 */
export function netErrorOf(error: unknown): number {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") {
    if (code in NET_ERROR_CODES) return NET_ERROR_CODES[code as NetErrorCode];
    const mapped = OS_ERRORS[code];
    if (mapped) return NET_ERROR_CODES[mapped];
  }
  return NET_ERROR_CODES["net::ERR_FAILED"];
}

/**
 * `host:port`, with brackets around an IPv6 address.
 *
 * @example
 * ```ts
 * hostPort("::1", 80); // "[::1]:80"
 * ```
 */
export function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Logs a socket that is connecting to `host:port` on `sink` (its `SOCKET` source), until it
 * closes.
 *
 * @example
 * ```ts ignore
 * const socket = connect({ host: "127.0.0.1", port: 8080 });
 * if (sink) logSocket(sink, socket, "127.0.0.1", 8080);
 * ```
 */
export function logSocket(sink: NetLogSink, socket: Socket, host: string, port: number): void {
  sink.begin("TCP_CONNECT", { address_list: [hostPort(host, port)] });
  let connecting = true;
  socket.once("connect", () => {
    connecting = false;
    sink.end("TCP_CONNECT", {
      source_address: hostPort(socket.localAddress ?? "", socket.localPort ?? 0),
    });
  });
  socket.once("error", (error) => {
    if (!connecting) return;
    connecting = false;
    sink.end("TCP_CONNECT", { net_error: netErrorOf(error) });
  });
  socket.once("close", () => {
    if (connecting) sink.end("TCP_CONNECT", { net_error: NET_ERROR_CODES["net::ERR_ABORTED"] });
    connecting = false;
    sink.end("SOCKET_IN_USE");
    sink.event("SOCKET_CLOSED");
    sink.end("SOCKET_ALIVE");
  });
}
