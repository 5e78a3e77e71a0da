/**
 * The `./cdp` subpath for Deno and Bun: the cdp plugin (`plugins/cdp/mod.ts`) with these
 * runtimes' adapters handed in (`presets/default.ts`: the Chromium launcher with its pipe
 * transport, the WebSocket transport), and the kernel configured for the runtime
 * (`runtime_setup.ts`), so that importing it alone gives a working default session.
 *
 * @example
 * ```ts ignore
 * import { cdp, TargetTree } from "./cdp.ts";
 *
 * const browser = await cdp.launch({ pipe: true });
 * const tree = await TargetTree.start(browser.connection);
 * await tree.newPage("about:blank");
 * await browser.close();
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";
import { copyFile, mkdir, mkdtemp, readFile, rename, unlink } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cdp, cdpPlugin, proxyPlugin } from "../presets/default.ts";
import { startProxyRelay } from "../adapters/socks/relay.ts";
import type { CdpApi } from "../plugins/cdp/mod.ts";
import { session } from "../kernel/partitions.ts";
import { webRequestPlugin } from "../plugins/web-request/mod.ts";
import type { WebRequestMembers } from "../plugins/web-request/mod.ts";
import type { ProxyMembers } from "../plugins/proxy/mod.ts";
import {
  type BrowserSession,
  type BrowserSessionFactory,
  createBrowserSession,
} from "../plugins/cdp/browser_session.ts";

export * from "../plugins/cdp/mod.ts";
export { cdp, cdpAdapters, cdpPlugin } from "../presets/default.ts";

/**
 * Starts a local Chromium and connects to it (`cdp.launch`).
 *
 * @example
 * ```ts ignore
 * const browser = await launch({ pipe: true });
 * await browser.close();
 * ```
 */
export const launch: CdpApi["launch"] = cdp.launch;

/**
 * Connects to a running browser's DevTools WebSocket (`cdp.connect`).
 *
 * @example
 * ```ts ignore
 * const connection = await connect("ws://127.0.0.1:9222/devtools/browser/ID");
 * ```
 */
export const connect: CdpApi["connect"] = cdp.connect;

const makeBrowserSession = createBrowserSession({
  launch: cdp.launch,
  fromPartition: (partition, plugins) =>
    session.fromPartition(partition, { preset: false, plugins }),
  plugins: [webRequestPlugin, proxyPlugin],
  relay: startProxyRelay,
  readText: (path) => readFile(path, "utf8"),
  files: {
    stagingDir: () => mkdtemp(join(tmpdir(), "websession-downloads-")),
    async move(from, to) {
      await mkdir(dirname(to), { recursive: true });
      try {
        await rename(from, to);
      } catch (error) {
        if ((error as { code?: string }).code !== "EXDEV") throw error;
        await copyFile(from, to);
        await unlink(from);
      }
    },
  },
  downloadsDir: `${homedir()}/Downloads`,
});

/**
 * A session backed by a real Chromium: `browserSession(browser, partition)` gives Electron's
 * Session API over a new browser context of `browser` (or, with `null` and for `persist:`
 * partitions, over a Chromium the session starts on its own profile folder). Its pages' requests
 * walk the session's webRequest listeners and declarative rules; `ses.cookies` is Chromium's jar.
 *
 * @example
 * ```ts ignore
 * const browser = await launch();
 * const ses = await browserSession(browser, "shop");
 * ses.webRequest.onBeforeRequest({ urls: ["*://*\/ads/*"] }, (_d, callback) => callback({ cancel: true }));
 * const page = await ses.pages.open("http://127.0.0.1:8000/");
 * await page.evaluate("document.title");
 * await ses.close();
 * ```
 */
export const browserSession: (
  ...args: Parameters<BrowserSessionFactory>
) => Promise<BrowserSession & WebRequestMembers & ProxyMembers> = makeBrowserSession as never;

export default cdpPlugin;
