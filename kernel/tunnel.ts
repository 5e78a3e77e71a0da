/**
 * The tunnel contract, next to the HTTP transport contract (`transport.ts`): a connection to a
 * target opened through a proxy (an HTTP `CONNECT` tunnel, or a SOCKS4/4a/5 connection), and one
 * HTTP/1.1 request sent over it. The proxy plugin routes https:// behind HTTP proxies and every
 * SOCKS proxy through it; `adapters/socks/tunnel.ts` implements it with `node:net` and `node:tls`
 * for Deno and Bun. A page has none (its `fetch` cannot be routed).
 *
 * @module
 */
import type { ProxyServer } from "./transport.ts";

/** Where a tunnel goes and through which proxy. */
export interface TunnelRequest {
  /** The proxy: `http` opens a `CONNECT` tunnel, `socks4`/`socks5` a SOCKS connection. */
  proxy: ProxyServer;
  /** The target's host (IPv6 without brackets). */
  host: string;
  /** The target's port. */
  port: number;
  /** Extra headers of a `CONNECT` request (e.g. `Proxy-Authorization`). */
  headers?: HeadersInit;
  /** Aborts opening. */
  signal?: AbortSignal;
  /** Gives up opening after this many ms (default 30000). */
  timeout?: number;
}

/** Options of {@link Tunnel.fetch}. */
export interface TunnelFetchOptions {
  /** Extra CA certificates (PEM) to trust for an https:// target. */
  caCerts?: readonly string[];
  /** Aborts the request. */
  signal?: AbortSignal;
}

/** An open connection to a target through a proxy. */
export interface Tunnel {
  /**
   * Sends `request` as HTTP/1.1 over the tunnel (TLS first for https://) and resolves to the
   * response; the tunnel closes when the response body ends or the request fails.
   */
  fetch(request: Request, options?: TunnelFetchOptions): Promise<Response>;
  /** Closes the tunnel (a request in flight fails). Idempotent. */
  close(): void;
  /** Resolves once the tunnel is closed, from either side; never rejects. */
  readonly closed: Promise<void>;
}

/** A tunnel, or the proxy's refusal as a response (e.g. a 407 with its challenge). */
export type TunnelResult = { tunnel: Tunnel } | { response: Response };

/**
 * Opens tunnels. Failures reject with an error whose `code` is Chromium's `net::ERR_*` code and
 * whose `proxyFailed` says whether the proxy itself failed (then the next proxy may be tried); a
 * SOCKS5 proxy that wants a password rejects with `net::ERR_PROXY_AUTH_REQUESTED`.
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
  /** The adapter's name, e.g. `node`. */
  readonly name: string;
  /** Opens a tunnel to `request.host:request.port` through `request.proxy`. */
  open(request: TunnelRequest): Promise<TunnelResult>;
}
