/**
 * The cdp plugin's factory and member types: what a preset needs to give sessions `ses.cdp`,
 * without the connection, target tree and launcher modules, which load with the first `launch()`
 * or `connect()` (issue #24's cold start).
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { CdpAdapters, CdpApi, CdpBrowser } from "./launcher.ts";
import type { AttachHook } from "./auto_attach.ts";
import manifest from "./manifest.json" with { type: "json" };

/**
 * `launch` and `connect` over the given adapters, as `createCdpApi` (`launcher.ts`) makes them,
 * loading the launcher and the connection on the first call.
 *
 * @example
 * ```ts ignore
 * import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";
 * const api = lazyCdpApi({ connect: (url, o) => WebSocketTransport.connect(url, o) });
 * const connection = await api.connect("ws://127.0.0.1:9222/devtools/browser/ID");
 * ```
 */
export function lazyCdpApi(adapters: CdpAdapters): CdpApi {
  let api: Promise<CdpApi> | null = null;
  const load = () => api ??= import("./launcher.ts").then((m) => m.createCdpApi(adapters));
  return {
    launch: async (options) => await (await load()).launch(options),
    connect: async (wsUrl, options) => await (await load()).connect(wsUrl, options),
  };
}

/**
 * The session member the cdp plugin adds: a session built with it has `ses.cdp` in its type.
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses: CdpMembers = session.fromPartition("cdp-members");
 * const browser = await ses.cdp.launch();
 * ```
 */
export interface CdpMembers {
  /** Launch and connect, closed with the session. */
  readonly cdp: SessionCdpApi;
}

/**
 * `ses.cdp`: launch and connect, and what the session drives now.
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses: CdpMembers = session.fromPartition("cdp-connections");
 * await ses.cdp.launch();
 * ses.cdp.connections().length; // 1
 * ```
 */
export interface SessionCdpApi extends CdpApi {
  /** The open connections of the session: its launched browsers', then those of `connect()`. */
  connections(): CdpConnection[];
}

/**
 * Makes the session plugin over the given adapters: `ses.cdp.launch()` and `ses.cdp.connect()`;
 * what they open closes with the session.
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * import { createCdpPlugin } from "./mod.ts";
 * import { startChromium } from "../../adapters/cdp/chromium.ts";
 * import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";
 *
 * const plugin = createCdpPlugin({ start: startChromium, connect: WebSocketTransport.connect });
 * const ses = session.fromPartition("devtools", { plugins: [plugin] });
 * const browser = await ses.cdp.launch();
 * await ses.close(); // closes the browser too
 * ```
 */
export function createCdpPlugin(adapters: CdpAdapters): Plugin<CdpMembers> {
  const { launch, connect } = lazyCdpApi(adapters);
  return definePlugin<CdpMembers>({
    manifest,
    setup(ctx) {
      const browsers = new Set<CdpBrowser>();
      const connections = new Set<CdpConnection>();
      // The session's frame preloads go into every page and iframe that auto-attach reaches.
      const read = adapters.readFile;
      let hook: AttachHook | null = null;
      const withPreloads = async (connection: CdpConnection) => {
        if (!read) return;
        const [{ addConnectionHook }, { framePreloads, preloadHook }] = await Promise.all([
          import("./auto_attach.ts"),
          import("./preloads.ts"),
        ]);
        hook ??= preloadHook(() => framePreloads(ctx.session), read);
        addConnectionHook(connection, hook);
      };
      const api: SessionCdpApi = {
        connections: () => [
          ...[...browsers].map((browser) => browser.connection),
          ...connections,
        ],
        async launch(options) {
          const browser = await launch(options);
          await withPreloads(browser.connection);
          browsers.add(browser);
          browser.exited.then(() => browsers.delete(browser));
          return browser;
        },
        async connect(wsUrl, options) {
          const connection = await connect(wsUrl, options);
          await withPreloads(connection);
          connections.add(connection);
          connection.closed.then(() => connections.delete(connection));
          return connection;
        },
      };
      ctx.provide({ cdp: api });
      return async () => {
        for (const connection of connections) connection.close();
        await Promise.all([...browsers].map((browser) => browser.close()));
      };
    },
  });
}
