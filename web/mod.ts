/**
 * websession in a page or a service worker: the kernel and every plugin that runs in a browser,
 * with the page's `fetch` as the transport, and the helpers a page needs to reach the plugins'
 * APIs with their types (`webRequestOf`, `cookiesOf`, `MatchPattern`, ...). Persistent partitions
 * are kept in memory here until an IndexedDB store adapter exists.
 *
 * Cookies: every partition keeps its own jar (`cookiesOf(ses)`), as on Deno and Bun, and the
 * transport sends with `credentials: "omit"`, so the browser's own cookie store neither leaks into
 * a partition's requests nor is written by them. What a browser does not allow is stated in
 * {@linkcode pageCookies}.
 *
 * @example
 * ```ts
 * import { cookiesOf, session } from "./mod.ts";
 * const ses = session.fromPartition("page");
 * const response = await ses.fetch("data:text/plain,hi");
 * await cookiesOf(ses).set({ url: "https://example.org/", name: "a", value: "1" });
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
export {
  DeclarativeNetRequest,
  declarativeNetRequestOf,
  MatchPattern,
  WebRequest,
  WebRequestEvent,
  webRequestOf,
} from "../plugins/web-request/mod.ts";
export type {
  ElectronMethod,
  Explanation,
  IgnoredActionDetails,
  Listener as WebRequestListener,
  MatchPatternError,
  RequestFilter,
  TraceStep,
  UrlParts,
  ValidSchemes,
  WebRequestEvents,
  WebRequestFilter,
} from "../plugins/web-request/mod.ts";
export type * from "../plugins/web-request/dnr_types.ts";
export {
  CookieJar,
  CookieRecord,
  Cookies,
  cookiesOf,
  parseCookieDate,
  parseSetCookie,
} from "../plugins/cookies/mod.ts";
export type {
  ChangeCause,
  ChangeListener,
  Cookie,
  CookieAccess,
  CookieFlusher,
  CookieJarOptions,
  CookiesExportOptions,
  CookiesGetFilter,
  CookiesSetDetails,
  CookieUrl,
  ElectronSameSite,
  ParsedSetCookie,
  PlaywrightCookie,
  PriorityValue,
  SameSiteValue,
  StorageState,
  StoreResult,
} from "../plugins/cookies/mod.ts";
export type { Protocol, ProtocolHandler } from "../plugins/protocol/mod.ts";
export { type PageCookies, pageCookies } from "./page_cookies.ts";

const browserPlugins = defaultPlugins.filter((p) => p.manifest.runtimes.includes("browser"));

configure({
  runtime: "browser",
  storagePath: "websession",
  store: () => new MemoryStore(),
  transport: transportFor("browser"),
  plugins: browserPlugins,
  isolation: browserIsolation,
});
