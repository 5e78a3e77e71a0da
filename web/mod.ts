/**
 * websession in a page or a service worker: the kernel and every plugin that runs in a browser,
 * with the page's `fetch` as the transport; `session.fromPartition()` returns sessions typed with
 * the plugins' members (`ses.webRequest`, `ses.cookies`, `ses.protocol`, ...), and the helpers a
 * page needs (`MatchPattern`, `CookieJar`, ...) are exported. Persistent (`persist:`) partitions
 * keep their data in IndexedDB ({@linkcode IndexedDbStore}), so they survive a reload and are
 * shared by the origin's tabs; where IndexedDB is refused they are kept in memory and
 * `isPersistent()` says false.
 *
 * Cookies: every partition keeps its own jar (`ses.cookies`), as on Deno and Bun, and the
 * transport sends with `credentials: "omit"`, so the browser's own cookie store neither leaks into
 * a partition's requests nor is written by them. What a browser does not allow is stated in
 * {@linkcode pageCookies}.
 *
 * This entry builds the browser's preset: the proxy plugin is the page's own
 * (`plugins/proxy/page.ts`: `setProxy` rejects, since a page's fetch cannot be routed, so no rules,
 * PAC or tunnels are bundled), and the cdp plugin gets only the WebSocket transport
 * (`cdp.connect`; `cdp.launch` rejects). Parts used by few pages are chunks the bundle imports on
 * first use (`dist/chunks/`).
 *
 * @example
 * ```ts
 * import { session } from "./mod.ts";
 * const ses = session.fromPartition("page");
 * const response = await ses.fetch("data:text/plain,hi");
 * await ses.cookies.set({ url: "https://example.org/", name: "a", value: "1" });
 * ```
 *
 * @module
 */
import { configure } from "../kernel/partitions.ts";
import type { AnyPlugin } from "../kernel/plugin.ts";
import { loadPlugin } from "../kernel/messaging/plugin_loader.ts";
import { httpLayer } from "../kernel/http/mod.ts";
import { storageClearing } from "../kernel/storage/clearing.ts";
import { MemoryStore } from "../adapters/store/memory.ts";
import { IndexedDbStore } from "../adapters/store/indexeddb.ts";
import { createBrowserTransport } from "../adapters/http/browser.ts";
import { browserIsolation } from "../adapters/isolation/browser.ts";
import { WebSocketTransport } from "../adapters/cdp/websocket.ts";
import { webRequestPlugin } from "../plugins/web-request/mod.ts";
import { cookiesPlugin } from "../plugins/cookies/mod.ts";
import { protocolPlugin } from "../plugins/protocol/mod.ts";
import { netLogPlugin } from "../plugins/net-log/plugin.ts";
import { rendererPlugin } from "../plugins/renderer/mod.ts";
import { hostResolverPlugin } from "../plugins/host-resolver/plugin.ts";
import { harPlugin } from "../plugins/har/plugin.ts";
import { tlsPlugin } from "../plugins/tls/mod.ts";
import { userAgentPlugin } from "../plugins/user-agent/mod.ts";
import { emulationPlugin } from "../plugins/emulation/mod.ts";
import { cachePlugin } from "../plugins/cache/mod.ts";
import { downloadsPlugin } from "../plugins/downloads/plugin.ts";
import { permissionsPlugin } from "../plugins/permissions/plugin.ts";
import { createSerialPlugin } from "../plugins/serial/plugin.ts";
import { createHidPlugin } from "../plugins/hid/plugin.ts";
import { createUsbPlugin } from "../plugins/usb/plugin.ts";
import type { WebSerialLike } from "../adapters/serial/web_serial.ts";
import type { WebUsbLike } from "../adapters/serial/usb_cdc_acm.ts";
import type { WebHidLike } from "../adapters/hid/web_hid.ts";
import type { WebUsbApiLike } from "../adapters/usb/web_usb.ts";
import { lazyHidAdapter, lazySerialAdapter, lazyUsbAdapter } from "../adapters/lazy_devices.ts";
import { pageProxyPlugin } from "../plugins/proxy/page.ts";
import { downloadOnlySpellcheckPlugin } from "../plugins/spellcheck/plugin.ts";
// From their own modules, not the cdp plugin's mod.ts: that exports the Chromium-backed session
// too (browser_session.ts, with the proxy plugin's rules and ipaddr.js), which a page cannot use.
import type { CdpAdapters, CdpApi } from "../plugins/cdp/launcher.ts";
import { createCdpPlugin, lazyCdpApi } from "../plugins/cdp/plugin.ts";

export * from "../kernel/mod.ts";
export { IndexedDbStore } from "../adapters/store/indexeddb.ts";
export { CdpConnection } from "../kernel/cdp/mod.ts";
export { TargetTree } from "../plugins/cdp/target_tree.ts";
export { WebView2Api } from "../plugins/cdp/webview2.ts";
export { WebSocketTransport } from "../adapters/cdp/websocket.ts";
export {
  DeclarativeNetRequest,
  MatchPattern,
  WebRequest,
  WebRequestEvent,
  type WebRequestMembers,
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
  type CookiesMembers,
  loadPublicSuffixList,
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
export type { Protocol, ProtocolHandler, ProtocolMembers } from "../plugins/protocol/mod.ts";
export type { CdpMembers } from "../plugins/cdp/mod.ts";
export type { ProxyMembers } from "../plugins/proxy/mod.ts";
// From their own modules, not the plugin's mod.ts: that re-exports the language checker, and
// with it nspell, which a page loads with its first dictionary (a chunk).
export { SpellChecker } from "../plugins/spellcheck/spell_checker.ts";
export type { SpellcheckMembers } from "../plugins/spellcheck/session_api.ts";
export type {
  CheckOptions,
  MisspelledRange,
  SuggestOptions,
} from "../plugins/spellcheck/spell_checker.ts";
export { type DefaultMembers, type DefaultSession, session } from "../presets/typed_session.ts";
export { type PageCookies, pageCookies } from "./page_cookies.ts";

const cdpAdapters: CdpAdapters = {
  connect: (url, options) => WebSocketTransport.connect(url, options),
};

/**
 * `cdp.connect(wsUrl)` from a page (`cdp.launch` rejects: a page cannot start a browser); the
 * launcher loads with the first call.
 *
 * @example
 * ```ts ignore
 * const connection = await cdp.connect("ws://127.0.0.1:9222/devtools/browser/ID");
 * ```
 */
export const cdp: CdpApi = lazyCdpApi(cdpAdapters);

interface PageNavigator {
  serial?: WebSerialLike;
  hid?: WebHidLike;
  usb?: WebUsbApiLike & WebUsbLike;
}
const pageNavigator = () => (globalThis as { navigator?: PageNavigator }).navigator;
let polyfillSerial: WebSerialLike | null = null;

/**
 * The page's Web Serial adapter, loaded with the first `list` or `open` (with web-serial-polyfill):
 * `navigator.serial`, or the polyfill over `navigator.usb` (CDC-ACM devices) where the browser has
 * no Web Serial; read on each use.
 */
async function pageSerialAdapter() {
  const [{ webSerialAdapter }, { usbCdcAcmSerial }] = await Promise.all([
    import("../adapters/serial/web_serial.ts"),
    import("../adapters/serial/usb_cdc_acm.ts"),
  ]);
  return webSerialAdapter(() => {
    const nav = pageNavigator();
    if (nav?.serial) return nav.serial;
    if (!nav?.usb) return undefined;
    return polyfillSerial ??= usbCdcAcmSerial(() => pageNavigator()?.usb);
  });
}

const browserPlugins: readonly AnyPlugin[] = [
  webRequestPlugin,
  createCdpPlugin(cdpAdapters),
  pageProxyPlugin,
  cookiesPlugin,
  protocolPlugin,
  netLogPlugin,
  userAgentPlugin,
  emulationPlugin,
  rendererPlugin,
  hostResolverPlugin,
  harPlugin,
  tlsPlugin,
  cachePlugin,
  downloadsPlugin,
  permissionsPlugin,
  downloadOnlySpellcheckPlugin,
  // The device adapters load with their first list or open (adapters/lazy_devices.ts).
  createSerialPlugin({ adapter: lazySerialAdapter("web-serial", pageSerialAdapter) }),
  createHidPlugin({
    adapter: lazyHidAdapter(
      "webhid",
      async () =>
        (await import("../adapters/hid/web_hid.ts")).webHidAdapter(() => pageNavigator()?.hid),
    ),
  }),
  createUsbPlugin({
    adapter: lazyUsbAdapter(
      "webusb",
      async () =>
        (await import("../adapters/usb/web_usb.ts")).webUsbAdapter(() => pageNavigator()?.usb),
    ),
  }),
];

configure({
  runtime: "browser",
  storagePath: "websession",
  store: ({ partition, storagePath }) =>
    storagePath === null ? new MemoryStore() : new IndexedDbStore(partition),
  transport: createBrowserTransport(),
  plugins: browserPlugins,
  isolation: browserIsolation,
  loader: loadPlugin,
  http: httpLayer,
  clearing: storageClearing,
});
