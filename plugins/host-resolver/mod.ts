/**
 * The host-resolver plugin: Electron's `ses.resolveHost(host, options)` (through the session
 * transport's host resolver rules and the system resolver the entry hands over),
 * `ses.clearHostResolverCache()` (empties what websession caches: `resolveHost`'s answers),
 * `ses.preconnect({ url, numSockets })` with the session's `preconnect` event, and
 * `ses.allowNTLMCredentialsForDomains(domains)` (a `NotSupportedError`: see `ntlm.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("resolver-doc");
 * const { endpoints } = await ses.resolveHost("localhost", { queryType: "A" });
 * endpoints[0].address; // "127.0.0.1"
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import type { HostResolver } from "../../kernel/network/host_resolver.ts";
import { HostCache } from "./host_cache.ts";
import {
  checkResolveHostArgs,
  type ResolvedHost,
  resolveHost,
  type ResolveHostOptions,
} from "./resolve_host.ts";
import { checkPreconnect, type PreconnectOptions } from "./preconnect.ts";
import { allowNtlmCredentialsForDomains } from "./ntlm.ts";

export type * from "../../kernel/mod.ts";
export { HostCache } from "./host_cache.ts";
export { checkResolveHostArgs, resolveHost } from "./resolve_host.ts";
export type {
  ResolveContext,
  ResolvedEndpoint,
  ResolvedHost,
  ResolveHostOptions,
} from "./resolve_host.ts";
export { checkPreconnect } from "./preconnect.ts";
export type { PreconnectOptions } from "./preconnect.ts";
export { allowNtlmCredentialsForDomains } from "./ntlm.ts";

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
          const checked = checkResolveHostArgs(host, resolveOptions);
          return await resolveHost(host, checked, context());
        },
        clearHostResolverCache: () => {
          cache.clear();
          return Promise.resolve();
        },
        preconnect(preconnectOptions) {
          const { originUrl, host } = checkPreconnect(preconnectOptions);
          if (host !== "") resolveHost(host, {}, context()).catch(() => {});
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
