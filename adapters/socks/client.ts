/**
 * A SOCKS4, SOCKS4a and SOCKS5 client (RFC 1928, with RFC 1929 username/password auth) over
 * `node:net`, for Bun (whose `fetch` has no SOCKS) and for Deno where `Deno.createHttpClient`
 * has none (SOCKS4). `socksConnect` returns a connected socket to the target, ready for TLS or
 * HTTP/1.1.
 *
 * @module
 */

import type { NetLogSink } from "../../kernel/net_log/sink.ts";
import { hostPort, logSocket, netErrorOf } from "./net_log_socket.ts";
import type { Socket } from "node:net";
import { builtin } from "../_builtin.ts";
import { ByteReader } from "./_byte_reader.ts";
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/** A SOCKS proxy. */
export interface SocksProxy {
  /** 4 (SOCKS4; 4a when `remoteDns`) or 5. */
  version: 4 | 5;
  /** The proxy's host. */
  host: string;
  /** The proxy's port. */
  port: number;
  /** User name (SOCKS5 auth, or the SOCKS4 user id). */
  username?: string;
  /** Password (SOCKS5 auth). */
  password?: string;
  /**
   * Let the proxy resolve host names (SOCKS4a / SOCKS5 with a domain name). Default: true for
   * SOCKS5 (as Chromium), false for SOCKS4 (plain SOCKS4 resolves locally).
   */
  remoteDns?: boolean;
}

/** Where to connect through the proxy. */
export interface SocksTarget {
  /** Host name or IP literal (IPv6 without brackets). */
  host: string;
  /** Port. */
  port: number;
}

/** Chromium's error codes for SOCKS failures. */
export type SocksErrorCode =
  | "net::ERR_PROXY_CONNECTION_FAILED"
  | "net::ERR_SOCKS_CONNECTION_FAILED"
  | "net::ERR_SOCKS_CONNECTION_HOST_UNREACHABLE"
  | "net::ERR_PROXY_AUTH_UNSUPPORTED"
  | "net::ERR_PROXY_AUTH_REQUESTED"
  | "net::ERR_NAME_NOT_RESOLVED"
  | "net::ERR_TUNNEL_CONNECTION_FAILED"
  | "net::ERR_CONNECTION_TIMED_OUT"
  | "net::ERR_ABORTED";

/**
 * A SOCKS failure with Chromium's code on `code`. `proxyFailed` is true when the proxy itself
 * could not be reached or spoke garbage (the proxy is then "bad" for failover).
 *
 * @example
 * ```ts
 * const e = new SocksError("net::ERR_SOCKS_CONNECTION_FAILED", "General failure", false);
 * e.code; // "net::ERR_SOCKS_CONNECTION_FAILED"
 * ```
 */
export class SocksError extends Error {
  /** Chromium's code. */
  readonly code: SocksErrorCode;
  /** Whether the proxy (rather than the target) failed. */
  readonly proxyFailed: boolean;
  /** Makes the error. */
  constructor(code: SocksErrorCode, message: string, proxyFailed: boolean, cause?: unknown) {
    super(`${code}: ${message}`, { cause });
    this.name = "SocksError";
    this.code = code;
    this.proxyFailed = proxyFailed;
  }
}

const SOCKS5_REPLIES: Record<number, string> = {
  1: "General SOCKS server failure",
  2: "Connection not allowed by ruleset",
  3: "Network unreachable",
  4: "Host unreachable",
  5: "Connection refused",
  6: "TTL expired",
  7: "Command not supported",
  8: "Address type not supported",
};

/** Reads exact byte counts from a socket during the handshake (the relay's {@linkcode ByteReader}). */
class HandshakeReader {
  readonly #bytes: ByteReader;

  constructor(socket: Socket) {
    this.#bytes = new ByteReader(socket);
  }

  async read(n: number): Promise<Uint8Array> {
    const bytes = this.#bytes;
    while (bytes.buffered.length < n) {
      if (!(await bytes.more()) && bytes.buffered.length < n) {
        throw bytes.error ?? new SocksError(
          "net::ERR_SOCKS_CONNECTION_FAILED",
          "Proxy closed the connection during the handshake",
          true,
        );
      }
    }
    return bytes.take(n);
  }

  fail(error: Error): void {
    this.#bytes.fail(error);
  }

  /** Detaches, handing any bytes read past the handshake back to the socket. */
  release(): void {
    const rest = this.#bytes.detach();
    if (rest.length) this.#bytes.socket.unshift(rest);
  }
}

const encoder = new TextEncoder();

function portBytes(port: number): number[] {
  return [(port >> 8) & 0xff, port & 0xff];
}

async function socks4(
  proxy: SocksProxy,
  target: SocksTarget,
  socket: Socket,
  reader: HandshakeReader,
  log?: NetLogSink,
): Promise<void> {
  let ip: number[];
  let hostTail: Uint8Array = new Uint8Array(0);
  if (builtin("node:net").isIPv4(target.host)) ip = target.host.split(".").map(Number);
  else if (proxy.remoteDns) {
    ip = [0, 0, 0, 1];
    hostTail = new Uint8Array([...encoder.encode(target.host), 0]);
  } else {
    let address: string;
    try {
      address = (await lookup(target.host, { family: 4 })).address;
    } catch (e) {
      throw new SocksError("net::ERR_NAME_NOT_RESOLVED", `Cannot resolve ${target.host}`, false, e);
    }
    ip = address.split(".").map(Number);
  }
  const user = encoder.encode(proxy.username ?? "");
  socket.write(
    new Uint8Array([4, 1, ...portBytes(target.port), ...ip, ...user, 0, ...hostTail]),
  );
  const reply = await reader.read(8);
  if (reply[0] !== 0) {
    log?.event("SOCKS_UNEXPECTED_VERSION", { version: reply[0] });
    throw new SocksError("net::ERR_SOCKS_CONNECTION_FAILED", "Not a SOCKS4 reply", true);
  }
  if (reply[1] !== 0x5a) {
    log?.event("SOCKS_SERVER_ERROR", { error_code: reply[1] });
    throw new SocksError(
      "net::ERR_SOCKS_CONNECTION_FAILED",
      `SOCKS4 request rejected (code ${reply[1]})`,
      false,
    );
  }
}

async function socks5(
  proxy: SocksProxy,
  target: SocksTarget,
  socket: Socket,
  reader: HandshakeReader,
  log?: NetLogSink,
): Promise<void> {
  const withAuth = proxy.username !== undefined;
  socket.write(new Uint8Array(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await reader.read(2);
  if (version !== 5) {
    log?.event("SOCKS_UNEXPECTED_VERSION", { version });
    throw new SocksError("net::ERR_SOCKS_CONNECTION_FAILED", "Not a SOCKS5 reply", true);
  }
  if (method === 2 && withAuth) {
    const user = encoder.encode(proxy.username ?? "");
    const pass = encoder.encode(proxy.password ?? "");
    if (user.length > 255 || pass.length > 255) {
      throw new TypeError("SOCKS5 user name and password must be at most 255 bytes");
    }
    socket.write(new Uint8Array([1, user.length, ...user, pass.length, ...pass]));
    const [, status] = await reader.read(2);
    if (status !== 0) {
      throw new SocksError(
        "net::ERR_PROXY_AUTH_REQUESTED",
        "SOCKS5 proxy rejected the user name or password",
        false,
      );
    }
  } else if (method !== 0) {
    log?.event("SOCKS_UNEXPECTED_AUTH", { method });
    throw new SocksError(
      "net::ERR_PROXY_AUTH_UNSUPPORTED",
      method === 0xff
        ? "SOCKS5 proxy accepts none of the offered authentication methods"
        : `SOCKS5 proxy chose an unsupported authentication method ${method}`,
      false,
    );
  }
  let address: number[];
  if (builtin("node:net").isIPv4(target.host)) address = [1, ...target.host.split(".").map(Number)];
  else if (builtin("node:net").isIPv6(target.host)) {
    address = [4, ...ipaddr.IPv6.parse(target.host).toByteArray()];
  } else if (proxy.remoteDns === false) {
    let resolved: string;
    try {
      resolved = (await lookup(target.host, { family: 4 })).address;
    } catch (e) {
      throw new SocksError("net::ERR_NAME_NOT_RESOLVED", `Cannot resolve ${target.host}`, false, e);
    }
    address = [1, ...resolved.split(".").map(Number)];
  } else {
    const name = encoder.encode(target.host);
    if (name.length > 255) throw new TypeError("Host name too long for SOCKS5");
    address = [3, name.length, ...name];
  }
  socket.write(new Uint8Array([5, 1, 0, ...address, ...portBytes(target.port)]));
  const head = await reader.read(4);
  if (head[0] !== 5) {
    log?.event("SOCKS_UNEXPECTED_VERSION", { version: head[0] });
    throw new SocksError("net::ERR_SOCKS_CONNECTION_FAILED", "Not a SOCKS5 reply", true);
  }
  if (head[1] !== 0) {
    log?.event("SOCKS_SERVER_ERROR", { error_code: head[1] });
    throw new SocksError(
      head[1] === 4 || head[1] === 3
        ? "net::ERR_SOCKS_CONNECTION_HOST_UNREACHABLE"
        : "net::ERR_SOCKS_CONNECTION_FAILED",
      SOCKS5_REPLIES[head[1]] ?? `SOCKS5 error ${head[1]}`,
      false,
    );
  }
  const rest = head[3] === 1
    ? 4
    : head[3] === 4
    ? 16
    : head[3] === 3
    ? (await reader.read(1))[0]
    : -1;
  if (rest < 0) {
    log?.event("SOCKS_UNKNOWN_ADDRESS_TYPE", { address_type: head[3] });
    throw new SocksError("net::ERR_SOCKS_CONNECTION_FAILED", "Bad SOCKS5 address type", true);
  }
  await reader.read(rest + 2);
}

/** Options of {@link socksConnect}. */
export interface SocksConnectOptions {
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
  /** Gives up after this many ms (default 30000). */
  timeout?: number;
  /** The socket's source in the net log: TCP connect and the SOCKS handshake. */
  netLog?: NetLogSink;
}

/**
 * Connects to `target` through a SOCKS proxy and resolves to the open socket (paused; attach
 * TLS or read and write it directly).
 *
 * @example
 * ```ts
 * const socket = await socksConnect(
 *   { version: 5, host: "127.0.0.1", port: 1080, username: "u", password: "p" },
 *   { host: "example.com", port: 80 },
 * );
 * socket.write("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
 * ```
 */
export function socksConnect(
  proxy: SocksProxy,
  target: SocksTarget,
  options: SocksConnectOptions = {},
): Promise<Socket> {
  const p: SocksProxy = { ...proxy, remoteDns: proxy.remoteDns ?? proxy.version === 5 };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    return Promise.reject(new TypeError(`Invalid target port ${target.port}`));
  }
  return new Promise<Socket>((resolve, reject) => {
    const socket = builtin("node:net").connect({ host: p.host, port: p.port });
    socket.setNoDelay(true);
    const log = options.netLog;
    if (log) logSocket(log, socket, p.host, p.port);
    const handshake = p.version === 4 ? "SOCKS_CONNECT" : "SOCKS5_CONNECT";
    const reader = new HandshakeReader(socket);
    let connected = false;
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (log && connected) {
        log.end(handshake, error ? { net_error: netErrorOf(error) } : undefined);
      }
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error) {
        reader.fail(error);
        socket.destroy();
        reject(error);
      } else {
        reader.release();
        resolve(socket);
      }
    };
    const timer = setTimeout(
      () =>
        finish(
          new SocksError(
            "net::ERR_CONNECTION_TIMED_OUT",
            "SOCKS handshake timed out",
            !connected,
          ),
        ),
      options.timeout ?? 30000,
    );
    const onAbort = () => finish(new SocksError("net::ERR_ABORTED", "Aborted", false));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("error", (e) => {
      if (!connected) {
        finish(
          new SocksError(
            "net::ERR_PROXY_CONNECTION_FAILED",
            `Cannot connect to SOCKS proxy ${p.host}:${p.port}: ${e.message}`,
            true,
            e,
          ),
        );
      }
    });
    socket.once("connect", () => {
      connected = true;
      log?.begin(handshake, { host: hostPort(target.host, target.port) });
      (p.version === 4 ? socks4 : socks5)(p, target, socket, reader, log).then(
        () => finish(null),
        (e) => finish(e),
      );
    });
  });
}
