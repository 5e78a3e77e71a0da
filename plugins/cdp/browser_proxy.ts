/**
 * The proxy of a Chromium-backed session. Chromium fixes a browser context's proxy when the
 * context is made (`Target.createBrowserContext`'s `proxyServer`) and has no per-context PAC, so
 * the context always points at a local relay owned by the session (an HTTP proxy on 127.0.0.1,
 * `adapters/socks/relay.ts` on Deno and Bun) that asks the session's own proxy plugin
 * (`ses.resolveProxy`) how to route each request: `ses.setProxy` (fixed servers, bypass rules,
 * PAC scripts, SOCKS) applies to the context's next requests at once, and `ses.resolveProxy(url)`
 * answers as the context routes.
 *
 * @module
 */
import type { ProxyServer } from "../../kernel/transport.ts";
import type { Session } from "../../kernel/session.ts";
import { parsePacResult } from "../proxy/proxy_list.ts";

/** The routes to try for a URL, in order; `null` is DIRECT. */
export type ProxyRelayRoute = (url: string) => Promise<readonly (ProxyServer | null)[]>;

/** A running relay: a local HTTP proxy that routes by a {@linkcode ProxyRelayRoute}. */
export interface BrowserProxyRelay {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Closes the connections and tunnels open now. */
  closeConnections(): void;
  /** Stops it. */
  close(): Promise<void>;
}

/** Starts a relay (the entry hands in `startProxyRelay` on Deno and Bun). */
export type StartProxyRelay = (route: ProxyRelayRoute) => Promise<BrowserProxyRelay>;

/** The bypass list that sends loopback too through the relay (the session's rules decide). */
export const RELAY_BYPASS = "<-loopback>";

/**
 * The relay's route function for `ses`: its `resolveProxy` answer, parsed (DIRECT when the session
 * has no proxy plugin). Chains of more than one proxy are skipped.
 *
 * @example
 * ```ts ignore
 * const relay = await startProxyRelay(sessionRoute(ses));
 * ```
 */
export function sessionRoute(ses: Session): ProxyRelayRoute {
  // the routes of the last answer, kept: most requests get the answer the one before got
  let lastText: string | null = null;
  let lastRoutes: readonly (ProxyServer | null)[] = [];
  return async (url) => {
    const resolve = (ses as { resolveProxy?: (url: string) => Promise<string> }).resolveProxy;
    if (typeof resolve !== "function") return [null];
    const text = await resolve.call(ses, url);
    if (text === lastText) return lastRoutes;
    const routes: (ProxyServer | null)[] = [];
    for (const chain of parsePacResult(text)) {
      if (chain.length === 0) routes.push(null);
      else if (chain.length === 1 && chain[0].scheme !== "quic") {
        const { scheme, host, port } = chain[0];
        routes.push({ scheme: scheme as ProxyServer["scheme"], host, port });
      }
    }
    lastText = text;
    lastRoutes = Object.freeze(routes);
    return lastRoutes;
  };
}
