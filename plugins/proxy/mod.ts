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
 * The browser bundle cannot route through proxies: there `setProxy` rejects.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * import { proxyPlugin } from "./mod.ts";
 * const ses = session.fromPartition("proxied", { plugins: [proxyPlugin] });
 * await ses.setProxy({ proxyRules: "http=127.0.0.1:3128;https=127.0.0.1:3128" });
 * await ses.resolveProxy("http://example.com/"); // "PROXY 127.0.0.1:3128"
 * ```
 *
 * @module
 */

import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { Session } from "../../kernel/session.ts";
import { detectRuntime, type RuntimeName } from "../../kernel/runtime.ts";
import type { ProxyConfig } from "./proxy_config.ts";
import { type PacEngine, ProxyService } from "./proxy_service.ts";
import { PROXY_USED, ProxyRouter, type TunnelAdapters } from "./_router.ts";
import type { HostResolver } from "./host_resolver.ts";

export type * from "../../kernel/mod.ts";
export type { BypassRule } from "./bypass_rules.ts";
export type { ProxyRulesResult, ProxyRulesType } from "./proxy_rules.ts";
export type { ProxyParseOptions, ProxyScheme } from "./proxy_server.ts";
export type { UrlParts } from "./url_parts.ts";
export type { IPAddress } from "./ip.ts";
export type { ProxyConfig, ProxyMode } from "./proxy_config.ts";
export type { AddressFamily, HostResolver } from "./host_resolver.ts";
export { staticHostResolver } from "./host_resolver.ts";
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

/** What the plugin adds to a session (Electron's names and signatures). */
export interface ProxySessionApi {
  /** Applies Electron's proxy config; resolves when it is in force. */
  setProxy(config: ProxyConfig): Promise<void>;
  /** The proxies `url` would use, in Chromium's PAC form (`PROXY a:80;DIRECT`). */
  resolveProxy(url: string): Promise<string>;
  /** Fetches the PAC script again (and re-reads the environment in `system` mode). */
  forceReloadProxyConfig(): Promise<void>;
  /** Closes pooled connections and tunnels so that a new config applies. */
  closeAllConnections(): Promise<void>;
  /** Forgets the proxy credentials the session learned. */
  clearAuthCache(): Promise<void>;
}

/**
 * A session with the proxy plugin's members, for code that cannot use declaration merging
 * (JSR rejects module augmentation in published code; `./session_types.ts` has the merging
 * for code that can).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("p", { plugins: [proxyPlugin] }) as ProxySession;
 * await ses.setProxy({ mode: "direct" });
 * ```
 */
export type ProxySession = Session & ProxySessionApi;

/**
 * The session's proxy members, typed (they exist at run time when the plugin is set up).
 *
 * @example
 * ```ts
 * // await proxyOf(ses).setProxy({ proxyRules: "socks5://127.0.0.1:1080" });
 * ```
 */
export function proxyOf(ses: Session): ProxySessionApi {
  const s = ses as unknown as ProxySessionApi;
  return {
    setProxy: (config) => s.setProxy(config),
    resolveProxy: (url) => s.resolveProxy(url),
    forceReloadProxyConfig: () => s.forceReloadProxyConfig(),
    closeAllConnections: () => s.closeAllConnections(),
    clearAuthCache: () => s.clearAuthCache(),
  };
}

/** Options of {@link createProxyPlugin}. */
export interface ProxyPluginOptions {
  /** Where PAC scripts' DNS questions go (default: the system resolver via `node:dns`). */
  resolver?: HostResolver;
  /** Time limit of one PAC call in ms (default 1000). */
  pacTimeout?: number;
  /** Extra CA certificates (PEM) for https:// targets reached through tunnels. */
  caCerts?: string[];
  /** The environment `system` mode reads (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** The runtime (detected by default); in `browser` setProxy rejects. */
  runtime?: RuntimeName;
}

/** Request option that sends a request DIRECT (the PAC script's own fetch). */
const DIRECT_OPTION = "websessionProxyDirect";

function processEnv(): Record<string, string | undefined> {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env: { toObject(): Record<string, string> } };
  };
  try {
    return g.process?.env ?? g.Deno?.env.toObject() ?? {};
  } catch {
    return {};
  }
}

// Runtime pieces (node:net, node:dns, QuickJS) load on first use, from URLs the browser bundler
// does not follow.
const here = (path: string) => new URL(path, import.meta.url).href;
let adapters: Promise<TunnelAdapters> | null = null;
function loadAdapters(): Promise<TunnelAdapters> {
  adapters ??= (async () => {
    const http: typeof import("../../adapters/socks/http.ts") = await import(
      here("../../adapters/socks/http.ts")
    );
    const connect: typeof import("../../adapters/socks/http_connect.ts") = await import(
      here("../../adapters/socks/http_connect.ts")
    );
    return {
      socksFetch: http.socksFetch,
      fetchOverSocket: http.fetchOverSocket,
      httpConnect: connect.httpConnect,
    };
  })();
  return adapters;
}

/**
 * Makes the proxy plugin with options (a DNS resolver for PAC, a PAC time limit, CA
 * certificates, an environment for `system`).
 *
 * @example
 * ```ts
 * const plugin = createProxyPlugin({ pacTimeout: 500 });
 * plugin.name; // "proxy"
 * ```
 */
export function createProxyPlugin(options: ProxyPluginOptions = {}): Plugin {
  return definePlugin({
    manifest,
    setup(ctx) {
      const runtime = options.runtime ?? detectRuntime();
      const ses = ctx.session;
      const service = new ProxyService({
        env: () => options.env ?? processEnv(),
        async fetchPac(url: string): Promise<string> {
          const scheme = new URL(url).protocol;
          const response = scheme === "http:" || scheme === "https:"
            ? await ses.fetch(url, { [DIRECT_OPTION]: true } as RequestInit)
            : await fetch(url);
          if (!response.ok) {
            await response.body?.cancel();
            throw new Error(`Fetching the PAC script failed with status ${response.status}`);
          }
          return await response.text();
        },
        async loadPac(script: string): Promise<PacEngine> {
          const { PacResolver }: typeof import("./pac_resolver.ts") = await import(
            here("./pac_resolver.ts")
          );
          let resolver = options.resolver;
          if (!resolver) {
            const dns: typeof import("../../adapters/dns/node.ts") = await import(
              here("../../adapters/dns/node.ts")
            );
            resolver = dns.nodeHostResolver();
          }
          const pac = await PacResolver.create(script, {
            resolver,
            timeout: options.pacTimeout,
            onError: (e) =>
              ctx.report(new Error(`PAC script: ${e.message} (line ${e.line})`), "pac"),
          });
          return { resolve: (url) => pac.resolve(url), dispose: () => pac.dispose() };
        },
        report: (message) => ctx.report(new Error(message), "pac"),
      });
      const router = new ProxyRouter({
        transport: () => ctx.transport,
        adapters: loadAdapters,
        retry: service.retry,
        caCerts: options.caCerts,
      });

      ctx.tap("transport", async (request) => {
        if (request.options[DIRECT_OPTION] === true) return undefined;
        const colon = request.url.indexOf(":");
        const scheme = request.url.slice(0, colon);
        if (scheme !== "http" && scheme !== "https") return undefined;
        const pending = service.listFor(request.url, true);
        const list = pending instanceof Promise ? await pending : pending;
        if (list.length === 1 && list[0].length === 0 && !request.data.has(PROXY_USED)) {
          return undefined; // DIRECT: the session's transport sends it.
        }
        return await router.send(request, list);
      }, { order: "post", label: "proxy route" });

      // Electron reports a proxy's challenge with the proxy's host and port.
      ctx.tap("authRequired", (request, _response, challenge) => {
        const used = request.data.get(PROXY_USED) as { host: string; port: number } | undefined;
        if (challenge.isProxy && used) {
          challenge.host = used.host;
          challenge.port = used.port;
        }
        return undefined;
      }, { order: "pre", label: "proxy challenge" });

      ctx.provide({
        setProxy: async (config: ProxyConfig): Promise<void> => {
          if (runtime === "browser") {
            throw new Error(
              "setProxy is not available in the browser: a page's fetch cannot be routed through a proxy",
            );
          }
          await service.apply(config);
          for (const c of service.envCredentials) {
            router.auth.set(c.proxy, { username: c.username, password: c.password });
          }
        },
        resolveProxy: (url: string): Promise<string> => {
          try {
            return service.resolveProxy(String(url));
          } catch (error) {
            return Promise.reject(error);
          }
        },
        forceReloadProxyConfig: () => service.reload(),
        closeAllConnections: async (): Promise<void> => {
          router.closeTunnels();
          await ctx.transport.closeAllConnections?.();
        },
        clearAuthCache: (): Promise<void> => {
          router.auth.clear();
          return Promise.resolve();
        },
      });
      return () => {
        service.dispose();
        router.closeTunnels();
      };
    },
  });
}

/**
 * The proxy plugin with default options (system DNS for PAC, 1 s PAC time limit).
 *
 * @example
 * ```ts
 * proxyPlugin.manifest.api.includes("setProxy"); // true
 * ```
 */
export const proxyPlugin: Plugin = createProxyPlugin();
