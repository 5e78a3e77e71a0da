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
import { cdp, cdpPlugin } from "../presets/default.ts";
import type { CdpApi } from "../plugins/cdp/mod.ts";

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

export default cdpPlugin;
