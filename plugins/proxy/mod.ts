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

import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime, type RuntimeName } from "../../kernel/contracts.ts";
import { clearAuthCache as clearServerAuthCache } from "../../kernel/http/auth_cache.ts";
import type { ProxyConfig } from "./proxy_config.ts";
import { type PacEngine, ProxyService } from "./proxy_service.ts";
import { sessionNetLog } from "../../kernel/net_log/sink.ts";
import { connected, failed, requestLog, resolveLogged } from "./net_log_route.ts";
import { PAC_FETCH_TIMEOUT, PAC_MAX_BYTES, readPacScript } from "./pac_fetch.ts";
import { PROXY_USED, ProxyRouter } from "./_router.ts";
import type { HostResolver } from "../../kernel/network/host_resolver.ts";
import type { TunnelAdapter } from "../../kernel/network/tunnel.ts";

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

/**
 * The session members the proxy plugin adds (Electron's names and signatures): a session built
 * with it has them in its type.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: ProxyMembers = session.fromPartition("proxy-members");
 * await ses.setProxy({ mode: "direct" });
 * ```
 */
export interface ProxyMembers {
  /** Applies Electron's proxy config; resolves when it is in force. */
  setProxy(config: ProxyConfig): Promise<void>;
  /** The proxies `url` would use, in Chromium's PAC form (`PROXY a:80;DIRECT`). */
  resolveProxy(url: string): Promise<string>;
  /** Fetches the PAC script again (and re-reads the environment in `system` mode). */
  forceReloadProxyConfig(): Promise<void>;
  /** Closes pooled connections and tunnels so that a new config applies. */
  closeAllConnections(): Promise<void>;
  /** Forgets the credentials the session learned: for proxies, and for servers (its auth cache). */
  clearAuthCache(): Promise<void>;
}

/** What a {@link PacEngineFactory} gets besides the script. */
export interface PacEngineOptions {
  /** Where the script's DNS questions go. */
  resolver: HostResolver;
  /** Time limit per call (and for loading the script), in ms (default 1000). */
  timeout?: number;
  /** Receives the script's errors (message and line, -1 when unknown). */
  onError?: (error: { message: string; line: number }) => void;
  /** Receives the script's `alert()` messages. */
  onAlert?: (message: string) => void;
}

/**
 * Loads a PAC script into a sandbox; rejects when the script cannot be used. On Deno and Bun it
 * is `PacResolver.create` (`pac_resolver.ts`, QuickJS), which the entry hands in.
 *
 * @example
 * ```ts
 * const none: PacEngineFactory = () => Promise.reject(new Error("No PAC here"));
 * ```
 */
export type PacEngineFactory = (script: string, options: PacEngineOptions) => Promise<PacEngine>;

/** Options of {@link createProxyPlugin}: the adapters the entry chooses, and settings. */
export interface ProxyPluginOptions {
  /** Opens SOCKS connections and `CONNECT` tunnels (none: such proxies fail). */
  tunnels?: TunnelAdapter;
  /** Runs PAC scripts (none: a PAC config is reported and requests go DIRECT). */
  pac?: PacEngineFactory;
  /** Where PAC scripts' DNS questions go (none: no name resolves, no local address). */
  resolver?: HostResolver;
  /** Time limit of one PAC call in ms (default 1000). */
  pacTimeout?: number;
  /**
   * The largest PAC script read from http(s) or file URLs, in bytes (default 1 MiB, as Chromium);
   * a larger one is refused with `net::ERR_FILE_TOO_BIG` and requests go DIRECT.
   */
  pacMaxBytes?: number;
  /** Extra CA certificates (PEM) for https:// targets reached through tunnels. */
  caCerts?: string[];
  /** The environment `system` mode reads (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** The runtime (detected by default); in `browser` setProxy rejects. */
  runtime?: RuntimeName;
}

/** The resolver of a plugin made without one: no name resolves, no local address. */
const noResolver: HostResolver = { resolve: () => [], localAddresses: () => [] };

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

/**
 * Makes the proxy plugin from the adapters the entry chooses (tunnels, PAC engine, DNS resolver)
 * and settings (a PAC time limit, CA certificates, an environment for `system`). Without
 * adapters it decides routes (`resolveProxy`) and sends through HTTP(S) proxies only.
 *
 * @example
 * ```ts
 * const plugin = createProxyPlugin({ pacTimeout: 500 });
 * plugin.name; // "proxy"
 * ```
 */
export function createProxyPlugin(options: ProxyPluginOptions = {}): Plugin<ProxyMembers> {
  return definePlugin<ProxyMembers>({
    manifest,
    setup(ctx) {
      const runtime = options.runtime ?? detectRuntime();
      const ses = ctx.session;
      const service = new ProxyService({
        env: () => options.env ?? processEnv(),
        async fetchPac(url: string): Promise<string> {
          const scheme = new URL(url).protocol;
          const signal = AbortSignal.timeout(PAC_FETCH_TIMEOUT);
          const read = async () => {
            const response = scheme === "http:" || scheme === "https:"
              ? await ses.fetch(url, { [DIRECT_OPTION]: true, signal } as RequestInit)
              : await fetch(url, { signal });
            if (!response.ok) {
              await response.body?.cancel();
              throw new Error(`Fetching the PAC script failed with status ${response.status}`);
            }
            // A data: URL is already in memory, and Chromium reads it without a limit.
            if (scheme === "data:") return await response.text();
            return await readPacScript(response, options.pacMaxBytes ?? PAC_MAX_BYTES);
          };
          try {
            return await read();
          } catch (error) {
            if (!signal.aborted) throw error;
            throw new Error(`net::ERR_TIMED_OUT: fetching the PAC script took over 30 s`);
          }
        },
        async loadPac(script: string): Promise<PacEngine> {
          if (!options.pac) throw new Error("No PAC engine: PAC scripts cannot run here");
          return await options.pac(script, {
            resolver: options.resolver ?? noResolver,
            timeout: options.pacTimeout,
            onError: (e) => {
              sessionNetLog(ses)?.event("PAC_JAVASCRIPT_ERROR", {
                line_number: e.line,
                message: e.message,
              });
              ctx.report(new Error(`PAC script: ${e.message} (line ${e.line})`), "pac");
            },
            onAlert: (message) => sessionNetLog(ses)?.event("PAC_JAVASCRIPT_ALERT", { message }),
          });
        },
        report: (message) => ctx.report(new Error(message), "pac"),
        netLog: () => sessionNetLog(ses),
      });
      const router = new ProxyRouter({
        transport: () => ctx.transport,
        tunnels: options.tunnels ?? null,
        retry: service.retry,
        caCerts: options.caCerts,
        netLog: () => sessionNetLog(ses),
      });

      ctx.tap("transport", async (request) => {
        if (request.options[DIRECT_OPTION] === true) return undefined;
        // The scheme by hand: on a cache hit, listFor needs no parse of the URL at all.
        const scheme = request.url.slice(0, request.url.indexOf(":"));
        if (scheme !== "http" && scheme !== "https") return undefined;
        const log = requestLog(request);
        const pending = log
          ? resolveLogged(service, request, log)
          : service.listFor(request.url, request);
        const list = pending instanceof Promise ? await pending : pending;
        if (list.length === 1 && list[0].length === 0 && !request.data.has(PROXY_USED)) {
          if (log) connected(request);
          return undefined; // DIRECT: the session's transport sends it.
        }
        if (!log) return await router.send(request, list);
        try {
          return await router.send(request, list);
        } catch (error) {
          failed(request, error);
          throw error;
        }
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

      const applyConfig = async (config: ProxyConfig): Promise<void> => {
        await service.apply(config);
        for (const c of service.envCredentials) {
          router.auth.set(c.proxy, { username: c.username, password: c.password });
        }
      };
      // On a store shared between processes (Redis), one process's setProxy applies in all of
      // them; a store that is not shared keeps no proxy setting, as Electron keeps none.
      const shared = typeof ctx.store.watch === "function";
      if (shared) {
        const unwatch = ctx.store.watch!((changes) => {
          const change = changes.find((c) => c.key === "config");
          if (change?.value && typeof change.value === "object") {
            applyConfig(change.value as ProxyConfig).catch((error) =>
              ctx.report(error, "shared proxy config")
            );
          }
        });
        ctx.onTeardown(unwatch);
        ctx.store.get("config").then((saved) => {
          if (saved && typeof saved === "object") return applyConfig(saved as ProxyConfig);
        }).catch((error) => ctx.report(error, "shared proxy config"));
      }

      ctx.provide({
        setProxy: async (config: ProxyConfig): Promise<void> => {
          if (runtime === "browser") {
            throw new Error(
              "setProxy is not available in the browser: a page's fetch cannot be routed through a proxy",
            );
          }
          await applyConfig(config);
          if (shared) await ctx.store.set("config", JSON.parse(JSON.stringify(config)));
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
          clearServerAuthCache(ctx.session.pipeline);
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
