/**
 * The Bun transport: `fetch` with Bun's `proxy` option for HTTP(S) proxies. Bun's fetch has no
 * SOCKS; SOCKS proxies are the proxy plugin's own client.
 *
 * @module
 */
import { NetError } from "../../kernel/errors.ts";
import { createFetchTransport } from "./fetch.ts";
import { withHostResolverRules } from "./host_rules.ts";
import { withBodiedGet } from "./bodied_get.ts";
import type { RuntimeTransportOptions } from "./deno.ts";
import type { HttpTransport } from "../../kernel/transport.ts";

/**
 * Makes the Bun transport.
 *
 * @example
 * ```ts
 * const transport = createBunTransport();
 * transport.name; // "bun"
 * const mapped = createBunTransport({ hostResolverRules: "MAP home.example.org 127.0.0.1" });
 * ```
 */
export function createBunTransport(options: RuntimeTransportOptions = {}): HttpTransport {
  const transport = createFetchTransport({
    name: "bun",
    fileUrls: true,
    extraInit: (_request, options) => {
      const proxy = options.proxy;
      const tls = options.caCerts?.length ? { tls: { ca: [...options.caCerts] } } : {};
      if (!proxy) return tls;
      if (proxy.scheme !== "http" && proxy.scheme !== "https") {
        throw new NetError(
          "net::ERR_NOT_IMPLEMENTED",
          `Bun's fetch cannot use a ${proxy.scheme} proxy; route it through a SOCKS client`,
        );
      }
      const host = proxy.host.includes(":") ? `[${proxy.host}]` : proxy.host;
      const auth = proxy.username !== undefined
        ? `${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password ?? "")}@`
        : "";
      return { proxy: `${proxy.scheme}://${auth}${host}:${proxy.port}`, keepalive: true, ...tls };
    },
  });
  const sending = withBodiedGet(transport);
  return options.hostResolverRules
    ? withHostResolverRules(sending, options.hostResolverRules)
    : sending;
}
