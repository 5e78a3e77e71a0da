/**
 * websession in a page: the kernel and every plugin that runs in a browser, with the page's
 * `fetch` as the transport. Persistent partitions are kept in memory here until an IndexedDB
 * store adapter exists.
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
import { MemoryStore } from "../adapters/store/memory.ts";
import { transportFor } from "../adapters/runtime.ts";
import { defaultPlugins } from "../presets/default.ts";
import { browserIsolation } from "../adapters/isolation/browser.ts";

export * from "../kernel/mod.ts";
export { cdp, CdpConnection, TargetTree, WebView2Api } from "../plugins/cdp/mod.ts";
export { WebSocketTransport } from "../adapters/cdp/websocket.ts";

const browserPlugins = defaultPlugins.filter((p) => p.manifest.runtimes.includes("browser"));

configure({
  runtime: "browser",
  storagePath: "websession",
  store: () => new MemoryStore(),
  transport: transportFor("browser"),
  plugins: browserPlugins,
  isolation: browserIsolation,
});
