/**
 * The proxy plugin itself ({@link createProxyPlugin}), apart from the sync helpers `mod.ts` also
 * exports: its engine (the routing service, the router, the rules on ipaddr.js, a CommonJS
 * package that on Deno starts the Node layer) loads on a session's first http(s) request or first
 * call of a member that needs it (`plugins/proxy/_engine.ts`, issue #24), never in setup.
 *
 * @module
 */

import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime, type RuntimeName } from "../../kernel/contracts.ts";
import { clearAuthCache as clearServerAuthCache } from "../../kernel/http/auth_cache.ts";
import type { ProxyConfig } from "./proxy_config.ts";
import type { PacEngine, ProxyService } from "./proxy_service.ts";
import { sessionNetLog } from "../../kernel/net_log/sink.ts";
import type { ProxyRouter } from "./_router.ts";
import type { ProxyChain } from "./proxy_server.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { HostResolver } from "../../kernel/network/host_resolver.ts";
import type { TunnelAdapter } from "../../kernel/network/tunnel.ts";
import { onFirstUse } from "../../kernel/lazy.ts";

const engine = onFirstUse(
  "the proxy engine (plugins/proxy/_engine.ts)",
  () => import("./_engine.ts"),
);

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
      let parts: Parts | undefined;
      let making: Promise<Parts> | undefined;
      let closed = false;
      const load = (): Promise<Parts> =>
        making ??= engine().then((e) => {
          parts = build(e);
          if (closed) dispose(parts);
          return parts;
        }, (error) => {
          making = undefined; // tried again by the next use
          throw error;
        });
      const build = (e: Engine): Parts => {
        const { PAC_FETCH_TIMEOUT, PAC_MAX_BYTES, readPacScript } = e;
        const service = new e.ProxyService({
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
        const router = new e.ProxyRouter({
          transport: () => ctx.transport,
          tunnels: options.tunnels ?? null,
          retry: service.retry,
          caCerts: options.caCerts,
          netLog: () => sessionNetLog(ses),
        });
        return { engine: e, service, router };
      };

      // Synchronous while the route is DIRECT and known at once (the default, without a proxy
      // setting): the tap then makes no promise, so the hop goes on in the same turn.
      const route = (
        request: PipelineRequest,
        { engine: e, service, router }: Parts,
      ): Response | undefined | Promise<Response | undefined> => {
        const { connected, failed, requestLog, resolveLogged, PROXY_USED } = e;
        const log = requestLog(request);
        const pending = log
          ? resolveLogged(service, request, log)
          : service.listFor(request.url, request);
        const sendBy = (list: ProxyChain[]) => {
          if (list.length === 1 && list[0].length === 0 && !request.data.has(PROXY_USED)) {
            if (log) connected(request);
            return undefined; // DIRECT: the session's transport sends it.
          }
          if (!log) return router.send(request, list);
          return router.send(request, list).catch((error: unknown) => {
            failed(request, error);
            throw error;
          });
        };
        return pending instanceof Promise ? pending.then(sendBy) : sendBy(pending);
      };
      ctx.tap("transport", (request) => {
        if (request.options[DIRECT_OPTION] === true) return undefined;
        // The scheme by hand: on a cache hit, listFor needs no parse of the URL at all.
        const scheme = request.url.slice(0, request.url.indexOf(":"));
        if (scheme !== "http" && scheme !== "https") return undefined;
        return parts !== undefined
          ? route(request, parts)
          : load().then((loaded) => route(request, loaded));
      }, { order: "post", label: "proxy route" });

      // Electron reports a proxy's challenge with the proxy's host and port.
      ctx.tap("authRequired", (request, _response, challenge) => {
        if (parts === undefined) return undefined; // no request went through a proxy yet
        const used = request.data.get(parts.engine.PROXY_USED) as
          | { host: string; port: number }
          | undefined;
        if (challenge.isProxy && used) {
          challenge.host = used.host;
          challenge.port = used.port;
        }
        return undefined;
      }, { order: "pre", label: "proxy challenge" });

      const applyConfig = async (config: ProxyConfig): Promise<void> => {
        const { service, router } = parts ?? await load();
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
        resolveProxy: async (url: string): Promise<string> =>
          await (parts ?? await load()).service.resolveProxy(String(url)),
        forceReloadProxyConfig: async () => await (parts ?? await load()).service.reload(),
        closeAllConnections: async (): Promise<void> => {
          parts?.router.closeTunnels();
          await ctx.transport.closeAllConnections?.();
        },
        clearAuthCache: (): Promise<void> => {
          parts?.router.auth.clear();
          clearServerAuthCache(ctx.session.pipeline);
          return Promise.resolve();
        },
      });
      return () => {
        closed = true;
        if (parts) dispose(parts);
      };
    },
  });
}

type Engine = typeof import("./_engine.ts");

/** A session's proxy engine: the module, the routing service and the router. */
interface Parts {
  engine: Engine;
  service: ProxyService;
  router: ProxyRouter;
}

function dispose(parts: Parts): void {
  parts.service.dispose();
  parts.router.closeTunnels();
}
