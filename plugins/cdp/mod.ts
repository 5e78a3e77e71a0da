/**
 * The `cdp` plugin: talk to any Chromium over the DevTools Protocol with flattened sessions.
 *
 * - {@linkcode cdp}`.launch()` starts a local Chromium (fresh profile, WebSocket or pipe) and
 *   `cdp.connect(wsUrl)` attaches to a running one; both give a kernel `CdpConnection`.
 * - {@linkcode TargetTree} auto-attaches recursively (pages, cross-origin iframes, dedicated,
 *   shared and service workers) without losing an event, and keeps sessionId -> TargetInfo current.
 * - {@linkcode WebView2Api} is WebView2's `CallDevToolsProtocolMethodForSession` API on one page.
 *
 * As a session plugin ({@linkcode cdpPlugin}) it adds `ses.cdp`, whose launched browsers and
 * connections close with the session.
 *
 * @example
 * ```ts ignore
 * import { cdp, TargetTree } from "./mod.ts";
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
import type { CdpConnection, CdpConnectionOptions } from "../../kernel/cdp/connection.ts";
import { type CdpBrowser, connect, launch, type LaunchOptions } from "./launcher.ts";
import manifest from "./manifest.json" with { type: "json" };

export { type CdpBrowser, connect, launch, type LaunchOptions } from "./launcher.ts";
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
  type AttachHook,
  AutoAttach,
  type AutoAttachOptions,
  type TargetPolicy,
} from "./auto_attach.ts";
export {
  type DevToolsProtocolEventHandler,
  type DevToolsProtocolEventReceivedEventArgs,
  type DevToolsProtocolEventReceiver,
  WebView2Api,
} from "./webview2.ts";

/** Launching and connecting. */
export interface CdpApi {
  /** Starts a local Chromium and connects to it. */
  launch(options?: LaunchOptions): Promise<CdpBrowser>;
  /** Connects to a running browser's DevTools WebSocket. */
  connect(
    wsUrl: string,
    options?: CdpConnectionOptions & { signal?: AbortSignal },
  ): Promise<CdpConnection>;
}

/**
 * Launch and connect, as plain functions.
 *
 * @example
 * ```ts ignore
 * import { cdp } from "./mod.ts";
 * const browser = await cdp.launch();
 * await browser.close();
 * ```
 */
export const cdp: CdpApi = { launch, connect };

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
  readonly cdp: CdpApi;
}

/**
 * The session plugin: `ses.cdp.launch()` and `ses.cdp.connect()`; what they open closes with the
 * session.
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * import { cdpPlugin } from "./mod.ts";
 *
 * const ses = session.fromPartition("devtools", { plugins: [cdpPlugin] });
 * const browser = await ses.cdp.launch();
 * await ses.close(); // closes the browser too
 * ```
 */
export const cdpPlugin: Plugin<CdpMembers> = definePlugin<CdpMembers>({
  manifest,
  setup(ctx) {
    const browsers = new Set<CdpBrowser>();
    const connections = new Set<CdpConnection>();
    const api: CdpApi = {
      async launch(options) {
        const browser = await launch(options);
        browsers.add(browser);
        browser.exited.then(() => browsers.delete(browser));
        return browser;
      },
      async connect(wsUrl, options) {
        const connection = await connect(wsUrl, options);
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

export default cdpPlugin;
