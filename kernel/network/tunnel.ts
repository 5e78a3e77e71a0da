/**
 * The tunnel contract: connections to a target through an HTTP (`CONNECT`) or SOCKS proxy, which
 * the proxy plugin asks for and `adapters/socks/tunnel.ts` opens on Deno and Bun.
 *
 * @module
 */
import type { ProxyServer } from "../transport.ts";
import type { NetLogSink } from "../net_log/sink.ts";

/** Where a tunnel goes and through which proxy. */
export interface TunnelRequest {
  /** `http` opens a `CONNECT` tunnel, `socks4`/`socks5` a SOCKS connection. */ proxy: ProxyServer;
  /** The target's host (IPv6 without brackets). */ host: string;
  /** The target's port. */ port: number;
  /** Extra headers of a `CONNECT` request (e.g. `Proxy-Authorization`). */ headers?: HeadersInit;
  /** Aborts opening. */ signal?: AbortSignal;
  /** Gives up opening after this many ms (default 30000). */ timeout?: number;
  /** The `SOCKET` source of the net log while one records (TCP, tunnel and SOCKS events). */
  netLog?: NetLogSink;
}

/** Options of {@link Tunnel.fetch}. */
export interface TunnelFetchOptions {
  /** Extra CA certificates (PEM) to trust for an https:// target. */ caCerts?: readonly string[];
  /** Aborts the request. */ signal?: AbortSignal;
}

/** An open connection to a target through a proxy. */
export interface Tunnel {
  /** Sends `request` as HTTP/1.1 (over TLS for https://); the tunnel closes after the response. */
  fetch(request: Request, options?: TunnelFetchOptions): Promise<Response>;
  /** Closes the tunnel (a request in flight fails). Idempotent. */
  close(): void;
  /** Resolves once the tunnel is closed, from either side; never rejects. */
  readonly closed: Promise<void>;
}

/** A tunnel, or the proxy's refusal as a response (e.g. a 407 with its challenge). */
export type TunnelResult = { tunnel: Tunnel } | { response: Response };

/**
 * Opens connections through an HTTP (`CONNECT`) or SOCKS4/4a/5 proxy, for the proxy plugin
 * (`adapters/socks/tunnel.ts` on Deno and Bun; a page has none). Failures reject with an error
 * whose `code` is Chromium's `net::ERR_*` and whose `proxyFailed` says whether the proxy itself
 * failed (then the next proxy may be tried); a SOCKS5 proxy wanting a password rejects with
 * `net::ERR_PROXY_AUTH_REQUESTED`.
 *
 * @example
 * ```ts
 * async function get(tunnels: TunnelAdapter, url: string): Promise<Response> {
 *   const u = new URL(url);
 *   const result = await tunnels.open({
 *     proxy: { scheme: "socks5", host: "127.0.0.1", port: 1080 },
 *     host: u.hostname,
 *     port: Number(u.port || 80),
 *   });
 *   return "response" in result ? result.response : await result.tunnel.fetch(new Request(url));
 * }
 * ```
 */
export interface TunnelAdapter {
  /** The adapter's name, e.g. `node`. */ readonly name: string;
  /** Opens a tunnel to `request.host:request.port` through `request.proxy`. */
  open(request: TunnelRequest): Promise<TunnelResult>;
}
