/**
 * The {@link TunnelAdapter} for Deno and Bun: SOCKS4/4a/5 through websession's client
 * (`client.ts`), `CONNECT` through `http_connect.ts`, and HTTP/1.1 over the resulting socket
 * (`http.ts`), all on `node:net` and `node:tls`.
 *
 * @module
 */
import type { Socket } from "node:net";
import { NetError } from "../../kernel/errors.ts";
import type { Tunnel, TunnelAdapter, TunnelResult } from "../../kernel/network/tunnel.ts";
import { socksConnect } from "./client.ts";
import { httpConnect } from "./http_connect.ts";
import { fetchOverSocket } from "./http.ts";

/**
 * A {@link Tunnel} over a socket that is already connected to its target.
 *
 * @example
 * ```ts ignore
 * import { connect } from "node:net";
 * const socket = connect({ host: "127.0.0.1", port: 8080 });
 * await new Promise((r) => socket.once("connect", r));
 * const response = await socketTunnel(socket).fetch(new Request("http://127.0.0.1:8080/"));
 * ```
 */
export function socketTunnel(socket: Socket): Tunnel {
  const closed = socket.destroyed
    ? Promise.resolve()
    : new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    async fetch(request, options = {}) {
      try {
        return await fetchOverSocket(socket, request, {
          caCerts: options.caCerts ? [...options.caCerts] : undefined,
          signal: options.signal,
        });
      } catch (error) {
        socket.destroy();
        throw error;
      }
    },
    close: () => socket.destroy(),
    closed,
  };
}

/**
 * Tunnels over `node:net`: `socks4`/`socks5` proxies through the SOCKS client, `http` proxies
 * through `CONNECT`.
 *
 * @example
 * ```ts ignore
 * const result = await nodeTunnels.open({
 *   proxy: { scheme: "socks5", host: "127.0.0.1", port: 1080 },
 *   host: "example.com",
 *   port: 80,
 * });
 * if ("tunnel" in result) await result.tunnel.fetch(new Request("http://example.com/"));
 * ```
 */
export const nodeTunnels: TunnelAdapter = {
  name: "node",
  async open(request): Promise<TunnelResult> {
    const { proxy, host, port, signal, timeout } = request;
    if (proxy.scheme === "socks4" || proxy.scheme === "socks5") {
      const socket = await socksConnect(
        {
          version: proxy.scheme === "socks4" ? 4 : 5,
          host: proxy.host,
          port: proxy.port,
          username: proxy.username,
          password: proxy.password,
        },
        { host, port },
        { signal, timeout, netLog: request.netLog },
      );
      return { tunnel: socketTunnel(socket) };
    }
    if (proxy.scheme === "http") {
      const result = await httpConnect({
        proxyHost: proxy.host,
        proxyPort: proxy.port,
        host,
        port,
        headers: request.headers,
        signal,
        timeout,
        netLog: request.netLog,
      });
      return "socket" in result ? { tunnel: socketTunnel(result.socket) } : result;
    }
    throw new NetError(
      "net::ERR_NOT_IMPLEMENTED",
      `Tunnels through ${proxy.scheme} proxies are not supported`,
    );
  },
};
