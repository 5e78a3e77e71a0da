/**
 * A headless Chromium page that loads the browser bundle from a local server and runs the page's
 * `window.run()`: the harness of the browser-bundle tests.
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";
import { requireCommand } from "../_system.ts";
import { buildBundle, readBundleFile } from "../../scripts/bundle.ts";
import { serve, type TestServer } from "../_serve.ts";

/** A running page harness. */
export interface BundlePage {
  /** The server's origin. */
  url: string;
  /** Opens the page in a new tab, runs `window.run()` and resolves to its result. */
  run(): Promise<unknown>;
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/**
 * Builds the bundle, serves `html` at `/`, the bundle at `/websession.js` (its chunks under
 * `/chunks/`), `api` under `/api/`
 * and each of `scripts` (path -> JavaScript source, e.g. a service worker) at its path, and
 * launches headless Chromium.
 *
 * @example
 * ```ts
 * // const page = await startBundlePage(html, (request) => new Response("ok"));
 * // const result = await page.run();
 * // await page.close();
 * ```
 */
export async function startBundlePage(
  html: string,
  api: (request: Request) => Response | Promise<Response>,
  scripts: Record<string, string> = {},
): Promise<BundlePage> {
  await buildBundle();
  const server: TestServer = await serve((request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/") return new Response(html, { headers: { "content-type": "text/html" } });
    const bundled = readBundleFile(pathname);
    if (bundled) {
      return new Response(bundled, { headers: { "content-type": "text/javascript" } });
    }
    if (pathname.startsWith("/api/")) return api(request);
    if (Object.hasOwn(scripts, pathname)) {
      return new Response(scripts[pathname], { headers: { "content-type": "text/javascript" } });
    }
    return new Response("not found", { status: 404 });
  });
  const browser: Browser = await chromium.launch({
    executablePath: requireCommand("chromium"),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    url: server.url,
    async run() {
      const tab = await browser.newPage();
      try {
        await tab.goto(`${server.url}/`);
        return await tab.evaluate(() => (window as unknown as { run(): Promise<unknown> }).run());
      } finally {
        await tab.close();
      }
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
