/**
 * The host-resolver plugin itself ({@linkcode createHostResolverPlugin}), apart from the helpers
 * `mod.ts` also exports: `resolveHost`'s checks and resolution (`resolve_host.ts`) load with the
 * first `ses.resolveHost` or `ses.preconnect` (cold start, #24).
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import type { HostResolver } from "../../kernel/network/host_resolver.ts";
import { HostCache } from "./host_cache.ts";
import type { ResolvedHost, ResolveHostOptions } from "./resolve_host.ts";
import { onFirstUse } from "../../kernel/lazy.ts";

// resolveHost's checks and resolution load with the first resolveHost or preconnect (#24).
const resolution = onFirstUse(
  "the host resolution (plugins/host-resolver/resolve_host.ts)",
  () => import("./resolve_host.ts"),
);
import { checkPreconnect, type PreconnectOptions } from "./preconnect.ts";
import { allowNtlmCredentialsForDomains } from "./ntlm.ts";

/**
 * The session members the host-resolver plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: HostResolverMembers = session.fromPartition("resolver-members");
 * await ses.clearHostResolverCache();
 * ```
 */
export interface HostResolverMembers {
  /** Resolves `host` as the session would connect to it. */
  resolveHost(host: string, options?: ResolveHostOptions): Promise<ResolvedHost>;
  /** Empties the session's cache of resolved hosts. */
  clearHostResolverCache(): Promise<void>;
  /** Warms the origin's name resolution and emits `preconnect`. */
  preconnect(options: PreconnectOptions): void;
  /** Throws a `NotSupportedError` (no NTLM/Negotiate with ambient credentials here). */
  allowNTLMCredentialsForDomains(domains: string): void;
}

/** Options of {@linkcode createHostResolverPlugin}. */
export interface HostResolverPluginOptions {
  /** The system resolver (none: only IP literals, `localhost` and rules answer). */
  resolver?: HostResolver;
  /** How long answers are cached, in ms (default 60 000, as Chromium's system answers). */
  ttl?: number;
}

/**
 * Makes the plugin with a system resolver.
 *
 * @example
 * ```ts
 * createHostResolverPlugin({}).name; // "host-resolver"
 * ```
 */
export function createHostResolverPlugin(
  options: HostResolverPluginOptions = {},
): Plugin<HostResolverMembers> {
  return definePlugin<HostResolverMembers>({
    manifest,
    setup(ctx) {
      const cache = new HostCache(options.ttl ?? 60_000);
      const runtime = detectRuntime();
      const context = () => {
        const transport = ctx.transport as { mapHost?: (host: string) => { host: string } | null };
        return {
          resolver: options.resolver ?? null,
          cache,
          mapHost: typeof transport.mapHost === "function"
            ? transport.mapHost.bind(transport)
            : null,
        };
      };
      const members: HostResolverMembers = {
        async resolveHost(host, resolveOptions) {
          const { checkResolveHostArgs, resolveHost } = await resolution();
          const checked = checkResolveHostArgs(host, resolveOptions);
          return await resolveHost(host, checked, context());
        },
        clearHostResolverCache: () => {
          cache.clear();
          return Promise.resolve();
        },
        preconnect(preconnectOptions) {
          const { originUrl, host } = checkPreconnect(preconnectOptions);
          if (host !== "") {
            resolution().then(({ resolveHost }) => resolveHost(host, {}, context())).catch(
              () => {},
            );
          }
          ctx.session.emit("preconnect", originUrl, true);
        },
        allowNTLMCredentialsForDomains: (domains) =>
          allowNtlmCredentialsForDomains(domains, runtime),
      };
      ctx.provide({ ...members });
    },
  });
}

/**
 * The plugin without a system resolver (the browser's).
 *
 * @example
 * ```ts
 * hostResolverPlugin.manifest.api.includes("resolveHost"); // true
 * ```
 */
export const hostResolverPlugin: Plugin<HostResolverMembers> = createHostResolverPlugin();
