/**
 * The `proxy` plugin: every request a session sends picks its route as Chromium would.
 *
 * - `ses.setProxy(config)` with Electron's modes (`direct`, `auto_detect`, `pac_script`,
 *   `fixed_servers`, `system`), `pacScript`, `proxyRules`, `proxyBypassRules`;
 * - `ses.resolveProxy(url)` in Chromium's PAC form (`PROXY a:80;SOCKS5 b:1080;DIRECT`);
 * - `ses.forceReloadProxyConfig()`, `ses.closeAllConnections()`, `ses.clearAuthCache()`;
 * - PAC scripts in a QuickJS sandbox with a time limit per call, DNS through a resolver;
 * - failover (a failed proxy is bad for 5 minutes), 407s through the `authRequired` stage,
 *   SOCKS4/4a/5 with username/password.
 *
 * The plugin imports no adapter: {@link createProxyPlugin} takes the tunnel adapter (SOCKS and
 * `CONNECT`), the host resolver and the PAC engine from the entry. On Deno and Bun the `./proxy`
 * entry (`entries/proxy.ts`) exports `proxyPlugin` and a `createProxyPlugin` with them filled in;
 * the browser bundle hands in none, and there `setProxy` rejects.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * import { proxyPlugin } from "../../entries/proxy.ts";
 * const ses = session.fromPartition("proxied", { plugins: [proxyPlugin] });
 * await ses.setProxy({ proxyRules: "http=127.0.0.1:3128;https=127.0.0.1:3128" });
 * await ses.resolveProxy("http://example.com/"); // "PROXY 127.0.0.1:3128"
 * ```
 *
 * @module
 */

export type * from "../../kernel/mod.ts";
export type { BypassRule } from "./bypass_rules.ts";
export type { ProxyRulesResult, ProxyRulesType } from "./proxy_rules.ts";
export type { ProxyParseOptions, ProxyScheme } from "./proxy_server.ts";
export type { IPAddress } from "./ip.ts";
export type { ProxyTarget } from "./url_parts.ts";
export type { ProxyConfig, ProxyMode } from "./proxy_config.ts";
export type { AddressFamily, HostResolver } from "../../kernel/network/host_resolver.ts";
export type {
  Tunnel,
  TunnelAdapter,
  TunnelFetchOptions,
  TunnelRequest,
  TunnelResult,
} from "../../kernel/network/tunnel.ts";
export type { PacDecision } from "./pac_resolver.ts";
export type { PacEngine } from "./proxy_service.ts";
export { staticHostResolver } from "./host_resolver.ts";
export { PAC_FETCH_TIMEOUT, PAC_MAX_BYTES } from "./pac_fetch.ts";
export { ProxyBypassRules } from "./bypass_rules.ts";
export { ProxyRules, type ProxyRulesParseOptions } from "./proxy_rules.ts";
export {
  parsePacElement,
  parseProxyUri,
  type ProxyChain,
  type ProxyEndpoint,
  proxyServerToPac,
  proxyServerToUri,
} from "./proxy_server.ts";
export { parsePacResult, proxyListToString } from "./proxy_list.ts";

export {
  createProxyPlugin,
  type PacEngineFactory,
  type PacEngineOptions,
  type ProxyMembers,
  type ProxyPluginOptions,
} from "./plugin.ts";
