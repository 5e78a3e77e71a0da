/**
 * The Deno transport: `fetch`, with one `Deno.createHttpClient` per proxy (http, https, socks5).
 *
 * @module
 */
import { createFetchTransport } from "./fetch.ts";
import { withHostResolverRules } from "./host_rules.ts";
import type { HttpTransport, ProxyServer } from "../../kernel/transport.ts";

/** Options of the Deno and Bun transports. */
export interface RuntimeTransportOptions {
  /**
   * Chromium-style host resolver rules, e.g. `MAP home.example.org 127.0.0.1`: mapped hosts are
   * reached at the mapped address, keeping their URL and `Host` header (see `host_rules.ts`).
   */
  hostResolverRules?: string;
}

// deno-lint-ignore no-explicit-any
type DenoNs = any;

/**
 * Makes the Deno transport.
 *
 * @example
 * ```ts
 * const transport = createDenoTransport();
 * transport.name; // "deno"
 * const mapped = createDenoTransport({ hostResolverRules: "MAP home.example.org 127.0.0.1" });
 * ```
 */
export function createDenoTransport(options: RuntimeTransportOptions = {}): HttpTransport {
  const deno = (globalThis as { Deno?: DenoNs }).Deno;
  const clients = new Map<string, { close(): void }>();
  const clientFor = (proxy: ProxyServer) => {
    const key = proxyKey(proxy);
    let client = clients.get(key);
    if (!client) {
      const host = proxy.host.includes(":") ? `[${proxy.host}]` : proxy.host;
      const scheme = proxy.scheme === "socks5" ? "socks5h" : proxy.scheme;
      const url = `${scheme}://${host}:${proxy.port}`;
      const basicAuth = proxy.username !== undefined
        ? { username: proxy.username, password: proxy.password ?? "" }
        : undefined;
      client = deno.createHttpClient({ proxy: { url, basicAuth } });
      clients.set(key, client!);
    }
    return client;
  };
  const transport = createFetchTransport({
    name: "deno",
    extraInit: (_request, options) => (options.proxy ? { client: clientFor(options.proxy) } : {}),
    closeAllConnections: () => {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  });
  return options.hostResolverRules
    ? withHostResolverRules(transport, options.hostResolverRules)
    : transport;
}

function proxyKey(proxy: ProxyServer): string {
  return `${proxy.scheme}://${proxy.username ?? ""}:${
    proxy.password ?? ""
  }@${proxy.host}:${proxy.port}`;
}
