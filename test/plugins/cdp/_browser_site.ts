/**
 * A small site for the Chromium-backed session tests: a page with subresources (an image, a
 * script, a stylesheet, a fetch that echoes its headers), cookies set by the server and by the
 * page, and a cross-site iframe (`localhost` vs `127.0.0.1`). Records every request it received.
 *
 * @module
 */
import { after, before } from "node:test";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { until } from "../../_cdp_site.ts";

/** The running site. */
export interface BrowserSite {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://localhost:PORT` (another site). */
  other: string;
  /** The paths received, in order. */
  paths: string[];
  /** The headers of the last request to a path. */
  headersOf(path: string): Headers | undefined;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the site. */
export async function startBrowserSite(): Promise<BrowserSite> {
  const paths: string[] = [];
  const seen = new Map<string, Headers>();
  let port = 0;
  const server: TestServer = await serve((request) => {
    const url = new URL(request.url);
    paths.push(url.pathname);
    seen.set(url.pathname, request.headers);
    const html = (body: string, headers: Record<string, string> = {}) =>
      new Response(`<!doctype html>${body}`, {
        headers: { "content-type": "text/html", ...headers },
      });
    switch (url.pathname) {
      case "/":
        return html(
          `<title>home</title><link rel="stylesheet" href="/old.css">` +
            `<img id="blocked" src="/blocked.png"><script src="/script.js"></script>` +
            `<script>window.echo = fetch("/echo").then((r) => r.json());</script>`,
          { "set-cookie": "server=1; Path=/" },
        );
      case "/framed":
        return html(
          `<title>framed</title><script>addEventListener("message", (e) => window.fromFrame = e.data)</script>` +
            `<iframe src="http://localhost:${port}/frame"></iframe>`,
        );
      case "/frame":
        return html(`<script>window.parent.postMessage(String(window.preloaded), "*")</script>`);
      case "/preload-order":
        return html(`<script>window.order = String(window.preloaded)</script>`);
      case "/download":
        return html(`<a id="get" href="/file.bin" download="report.bin">get</a>`);
      case "/file.bin":
        return new Response(new Uint8Array(64 * 1024).fill(7), {
          headers: {
            "content-type": "application/octet-stream",
            "content-disposition": 'attachment; filename="report.bin"',
          },
        });
      case "/sw-page":
        return html(`<script>window.registered = navigator.serviceWorker.register("/sw.js")
          .then(() => navigator.serviceWorker.ready).then((r) => r.scope)</script>`);
      case "/sw.js":
        return new Response("self.addEventListener('fetch', () => {});", {
          headers: { "content-type": "text/javascript" },
        });
      case "/echo":
        return Response.json(Object.fromEntries(request.headers));
      case "/cookies":
        return Response.json({ cookie: request.headers.get("cookie") });
      case "/set-cookies": {
        const headers = new Headers({ "content-type": "text/plain" });
        headers.append("set-cookie", "kept=1; Path=/");
        headers.append("set-cookie", "dropped=1; Path=/");
        return new Response("set", { headers });
      }
      case "/script.js":
        return new Response("window.scriptRan = true;", {
          headers: { "content-type": "text/javascript" },
        });
      case "/new.css":
        return new Response("body { color: rgb(1, 2, 3); }", {
          headers: { "content-type": "text/css" },
        });
      case "/old.css":
        return new Response("body { color: rgb(9, 9, 9); }", {
          headers: { "content-type": "text/css" },
        });
      case "/blocked.png":
        return new Response("not an image", { headers: { "content-type": "image/png" } });
      default:
        return new Response("not found", { status: 404 });
    }
  });
  port = server.port;
  return {
    url: server.url,
    other: `http://localhost:${port}`,
    paths,
    headersOf: (path) => seen.get(path),
    close: () => server.close(),
  };
}

/** A site and a headless Chromium over a pipe for one `describe` block. */
export interface ChromiumRig {
  /** The site (set before the first test). */ site: BrowserSite;
  /** The browser (set before the first test). */ browser: CdpBrowser;
  /** Partitions the tests opened: closed after the block, before the browser. */
  partitions: string[];
}

/** Starts the site and the browser before the block's tests and closes them after. */
export function chromiumRig(): ChromiumRig {
  const rig = { partitions: [] as string[] } as ChromiumRig;
  before(async () => {
    rig.site = await startBrowserSite();
    rig.browser = await launch({ pipe: true });
  });
  after(async () => {
    for (const partition of rig.partitions) await session.closePartition(partition);
    await rig.browser?.close();
    await rig.site?.close();
  });
  return rig;
}

/**
 * Chromium-backed sessions on partitions of their own (`PREFIX-random`), for a test file that
 * starts its own browser; `partitions` lists them, to close after the tests.
 */
export function freshSessions(prefix: string, browser: () => CdpBrowser): {
  partitions: string[];
  fresh(): ReturnType<typeof browserSession>;
} {
  const partitions: string[] = [];
  return {
    partitions,
    async fresh(): ReturnType<typeof browserSession> {
      const partition = `${prefix}-${Math.random().toString(36).slice(2)}`;
      partitions.push(partition);
      return await browserSession(browser(), partition);
    },
  };
}

/** Waits up to 2 s until `check` answers true (what pages do is told after their responses). */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  await until(check, 2000, what);
}

/** A headless Chromium and a page server of the test file's, for one partition. */
export interface PageRig {
  /** The browser (set before the first test). */ browser: CdpBrowser;
  /** The server (set before the first test). */ server: TestServer;
  /** The partition, closed after the block. */ partition: string;
}

/**
 * Starts a server answering `handler` and a browser over a pipe before the block's tests, and
 * closes the partition, the browser and the server after them.
 */
export function pageRig(
  prefix: string,
  handler: (request: Request) => Response | Promise<Response>,
): PageRig {
  const rig = { partition: `${prefix}-${Math.random().toString(36).slice(2)}` } as PageRig;
  before(async () => {
    rig.server = await serve(handler);
    rig.browser = await launch({ pipe: true });
  });
  after(async () => {
    await session.closePartition(rig.partition);
    await rig.browser?.close();
    await rig.server?.close();
  });
  return rig;
}

/** An HTML page with this title. */
export function htmlPage(title: string): Response {
  return new Response(`<!doctype html><title>${title}</title>`, {
    headers: { "content-type": "text/html" },
  });
}
