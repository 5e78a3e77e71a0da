/**
 * The Deno transport: `fetch`, with one `Deno.createHttpClient` per proxy (http, https, socks5).
 *
 * @module
 */
import { createFetchTransport } from "./fetch.ts";
import { withHostResolverRules } from "./host_rules.ts";
import { withBodiedGet } from "./bodied_get.ts";
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
  const caIds = new WeakMap<readonly string[], number>();
  let nextCaId = 0;
  const clientFor = (proxy: ProxyServer | null | undefined, caCerts?: readonly string[]) => {
    let caId = "";
    if (caCerts?.length) {
      let id = caIds.get(caCerts);
      if (id === undefined) caIds.set(caCerts, id = nextCaId++);
      caId = `#${id}`;
    }
    const key = `${proxy ? proxyKey(proxy) : "direct"}${caId}`;
    let client = clients.get(key);
    if (!client) {
      const options: Record<string, unknown> = {};
      if (proxy) {
        const host = proxy.host.includes(":") ? `[${proxy.host}]` : proxy.host;
        const scheme = proxy.scheme === "socks5" ? "socks5h" : proxy.scheme;
        const url = `${scheme}://${host}:${proxy.port}`;
        const basicAuth = proxy.username !== undefined
          ? { username: proxy.username, password: proxy.password ?? "" }
          : undefined;
        options.proxy = { url, basicAuth };
      }
      if (caCerts?.length) options.caCerts = [...caCerts];
      client = deno.createHttpClient(options);
      clients.set(key, client!);
    }
    return client;
  };
  const transport = createFetchTransport({
    name: "deno",
    fileUrls: true,
    extraInit: (_request, options) =>
      options.proxy || options.caCerts?.length
        ? { client: clientFor(options.proxy, options.caCerts) }
        : {},
    closeAllConnections: () => {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  });
  const sending = withBodiedGet(transport);
  return options.hostResolverRules
    ? withHostResolverRules(sending, options.hostResolverRules)
    : sending;
}

function proxyKey(proxy: ProxyServer): string {
  return `${proxy.scheme}://${proxy.username ?? ""}:${
    proxy.password ?? ""
  }@${proxy.host}:${proxy.port}`;
}
