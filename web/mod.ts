/**
 * websession in a page: the kernel and every plugin that runs in a browser, with the page's
 * `fetch` as the transport. Persistent partitions are kept in memory here until an IndexedDB
 * store adapter exists. This entry builds the browser's preset: the proxy plugin gets no tunnel
 * adapter and no PAC engine (`setProxy` rejects: a page's fetch cannot be routed), and the cdp
 * plugin only the WebSocket transport (`cdp.connect`; `cdp.launch` rejects).
 *
 * @example
 * ```ts
 * import { session } from "./mod.ts";
 * const ses = session.fromPartition("page");
 * const response = await ses.fetch("data:text/plain,hi");
 * ```
 *
 * @module
 */
import { configure } from "../kernel/partitions.ts";
import type { AnyPlugin } from "../kernel/plugin.ts";
import { MemoryStore } from "../adapters/store/memory.ts";
import { transportFor } from "../adapters/runtime.ts";
import { browserIsolation } from "../adapters/isolation/browser.ts";
import { WebSocketTransport } from "../adapters/cdp/websocket.ts";
import { webRequestPlugin } from "../plugins/web-request/mod.ts";
import { cookiesPlugin } from "../plugins/cookies/mod.ts";
import { protocolPlugin } from "../plugins/protocol/mod.ts";
import { createProxyPlugin } from "../plugins/proxy/mod.ts";
import {
  type CdpAdapters,
  type CdpApi,
  createCdpApi,
  createCdpPlugin,
} from "../plugins/cdp/mod.ts";

export * from "../kernel/mod.ts";
export { CdpConnection, TargetTree, WebView2Api } from "../plugins/cdp/mod.ts";
export { WebSocketTransport } from "../adapters/cdp/websocket.ts";

const cdpAdapters: CdpAdapters = {
  connect: (url, options) => WebSocketTransport.connect(url, options),
};

/**
 * `cdp.connect(wsUrl)` from a page (`cdp.launch` rejects: a page cannot start a browser).
 *
 * @example
 * ```ts ignore
 * const connection = await cdp.connect("ws://127.0.0.1:9222/devtools/browser/ID");
 * ```
 */
export const cdp: CdpApi = createCdpApi(cdpAdapters);

const browserPlugins: readonly AnyPlugin[] = [
  webRequestPlugin,
  createCdpPlugin(cdpAdapters),
  createProxyPlugin({ runtime: "browser" }),
  cookiesPlugin,
  protocolPlugin,
];

configure({
  runtime: "browser",
  storagePath: "websession",
  store: () => new MemoryStore(),
  transport: transportFor("browser"),
  plugins: browserPlugins,
  isolation: browserIsolation,
});
