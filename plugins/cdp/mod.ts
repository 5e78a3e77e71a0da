/**
 * The `cdp` plugin: talk to any Chromium over the DevTools Protocol with flattened sessions.
 *
 * - {@linkcode cdp}`.launch()` starts a local Chromium (fresh profile, WebSocket or pipe) and
 *   `cdp.connect(wsUrl)` attaches to a running one; both give a kernel `CdpConnection`.
 * - {@linkcode TargetTree} auto-attaches recursively (pages, cross-origin iframes, dedicated,
 *   shared and service workers) without losing an event, and keeps sessionId -> TargetInfo current.
 * - {@linkcode WebView2Api} is WebView2's `CallDevToolsProtocolMethodForSession` API on one page.
 *
 * As a session plugin ({@linkcode createCdpPlugin}) it adds `ses.cdp`, whose launched browsers
 * and connections close with the session, and whose pages run the session's preload scripts
 * (`ses.setPreloads`, `ses.registerPreloadScript`) when auto-attach reaches them
 * ({@linkcode TargetTree.start}; see `preloads.ts`). The plugin imports no adapter: {@linkcode createCdpApi}
 * and {@linkcode createCdpPlugin} take the browser launcher and the DevTools transport from the
 * entry. On Deno and Bun the `./cdp` entry (`entries/cdp.ts`) exports `cdp` and `cdpPlugin` with
 * the Chromium launcher and the WebSocket/pipe transports; the browser bundle's `cdp` connects only.
 *
 * @example
 * ```ts ignore
 * import { cdp, TargetTree } from "../../entries/cdp.ts";
 *
 * const browser = await cdp.launch({ pipe: true });
 * const tree = await TargetTree.start(browser.connection, {
 *   hooks: [(session) => session.send("Runtime.enable")],
 * });
 * browser.connection.on("Runtime.consoleAPICalled", (event, sessionId) => {
 *   console.log(tree.label(sessionId), event.args.map((a) => a.value));
 * });
 * await tree.newPage("http://127.0.0.1:8000/");
 * await browser.close();
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import { type CdpAdapters, type CdpApi, type CdpBrowser, createCdpApi } from "./launcher.ts";
import manifest from "./manifest.json" with { type: "json" };
import { addConnectionHook } from "./auto_attach.ts";
import { framePreloads, preloadHook } from "./preloads.ts";

export {
  type CdpAdapters,
  type CdpApi,
  type CdpBrowser,
  createCdpApi,
  type LaunchOptions,
} from "./launcher.ts";
export {
  type TargetNode,
  type TargetNodeListener,
  type TargetQuery,
  TargetTree,
} from "./target_tree.ts";
// The kernel's types (Session, Plugin, PipelineRequest, ...) that this entry point's API refers to,
// so that its documentation is complete on its own.
export type * from "../../kernel/mod.ts";
export * from "../../kernel/cdp/mod.ts";
export {
  addConnectionHook,
  type AttachHook,
  AutoAttach,
  type AutoAttachOptions,
  type TargetPolicy,
} from "./auto_attach.ts";
export {
  framePreloads,
  PRELOAD_WORLD,
  preloadHook,
  type ReadPreload,
  wrapPreload,
} from "./preloads.ts";
export {
  type BrowserPage,
  type BrowserPages,
  type BrowserSession,
  type BrowserSessionDeps,
  type BrowserSessionFactory,
  type BrowserSessionMembers,
  type BrowserSessionOptions,
  createBrowserSession,
} from "./browser_session.ts";
export { BrowserCookies } from "./browser_cookies.ts";
export {
  type BrowserExtension,
  BrowserExtensions,
  type BrowserExtensionsTarget,
  type BrowserLoadExtensionOptions,
} from "./browser_extensions.ts";
export {
  type BrowserProxyRelay,
  type ProxyRelayRoute,
  RELAY_BYPASS,
  sessionRoute,
  type StartProxyRelay,
} from "./browser_proxy.ts";
export {
  type BrowserPermissionCheckHandler,
  type BrowserPermissionDetails,
  type BrowserPermissionRequestHandler,
  BrowserPermissions,
} from "./browser_permissions.ts";
export {
  BrowserDownloadItem,
  type BrowserDownloadState,
  type DownloadFiles,
} from "./browser_downloads.ts";
export { type BrowserServiceWorkerInfo, BrowserServiceWorkers } from "./browser_service_workers.ts";
export {
  BrowserMembers,
  type BrowserMembersApi,
  type BrowserNetworkEmulation,
  type BrowserPreloadScript,
} from "./browser_members.ts";
export {
  type DevToolsProtocolEventHandler,
  type DevToolsProtocolEventReceivedEventArgs,
  type DevToolsProtocolEventReceiver,
  WebView2Api,
} from "./webview2.ts";

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
  const { launch, connect } = createCdpApi(adapters);
  return definePlugin<CdpMembers>({
    manifest,
    setup(ctx) {
      const browsers = new Set<CdpBrowser>();
      const connections = new Set<CdpConnection>();
      // The session's frame preloads go into every page and iframe that auto-attach reaches.
      const read = adapters.readFile;
      const hook = read ? preloadHook(() => framePreloads(ctx.session), read) : null;
      const withPreloads = (connection: CdpConnection) => {
        if (hook) addConnectionHook(connection, hook);
      };
      const api: SessionCdpApi = {
        connections: () => [
          ...[...browsers].map((browser) => browser.connection),
          ...connections,
        ],
        async launch(options) {
          const browser = await launch(options);
          withPreloads(browser.connection);
          browsers.add(browser);
          browser.exited.then(() => browsers.delete(browser));
          return browser;
        },
        async connect(wsUrl, options) {
          const connection = await connect(wsUrl, options);
          withPreloads(connection);
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
