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
export { type CdpMembers, createCdpPlugin, lazyCdpApi, type SessionCdpApi } from "./plugin.ts";

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
