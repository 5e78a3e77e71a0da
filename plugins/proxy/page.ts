/**
 * The proxy plugin of a page (the browser preset): the same members and manifest as
 * {@linkcode createProxyPlugin}, without the routing, bypass rules, PAC and tunnels a page cannot
 * use, so the browser bundle does not carry them. A page's `fetch` cannot be routed through a
 * proxy: `setProxy` rejects, `resolveProxy` answers `DIRECT`, and `clearAuthCache` forgets the
 * session's server credentials.
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { clearAuthCache as clearServerAuthCache } from "../../kernel/http/auth_cache.ts";
import type { ProxyMembers } from "./mod.ts";

/**
 * The proxy plugin of the browser preset: `setProxy` rejects (a page's fetch cannot be routed),
 * `resolveProxy` resolves to `DIRECT`.
 *
 * @example
 * ```ts
 * pageProxyPlugin.manifest.api.includes("setProxy"); // true
 * ```
 */
export const pageProxyPlugin: Plugin<ProxyMembers> = definePlugin<ProxyMembers>({
  manifest,
  setup(ctx) {
    ctx.provide({
      setProxy: (): Promise<void> =>
        Promise.reject(
          new Error(
            "setProxy is not available in the browser: a page's fetch cannot be routed through a proxy",
          ),
        ),
      resolveProxy: (url: string): Promise<string> => {
        try {
          new URL(String(url));
        } catch (error) {
          return Promise.reject(error);
        }
        return Promise.resolve("DIRECT");
      },
      forceReloadProxyConfig: (): Promise<void> => Promise.resolve(),
      closeAllConnections: async (): Promise<void> => {
        await ctx.transport.closeAllConnections?.();
      },
      clearAuthCache: (): Promise<void> => {
        clearServerAuthCache(ctx.session.pipeline);
        return Promise.resolve();
      },
    });
  },
});
