/**
 * Test helper for the CDP tests: three `node:http` servers on 127.0.0.1 serving the seed's
 * scenario (a page on 127.0.0.1, a cross-origin iframe from localhost that embeds a third origin,
 * a dedicated worker and a shared worker, each calling `console.log`). Works in Deno and Bun.
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The running site. */
export interface CdpSite {
  /** `http://127.0.0.1:A/` the top page. */
  page: string;
  /** `http://localhost:B/frame.html`, the cross-origin iframe. */
  frame: string;
  /** `http://127.0.0.1:C/nested.html`, embedded by the iframe (a third origin). */
  nested: string;
  /** `http://127.0.0.1:A/worker.js`. */
  worker: string;
  /** `http://127.0.0.1:A/shared.js`. */
  shared: string;
  /** The origins: `http://127.0.0.1:A`, `http://localhost:B`, `http://127.0.0.1:C`. */
  origins: [string, string, string];
  /** Stops the servers. */
  close(): Promise<void>;
}

function pages(origins: string[]): (path: string) => { type: string; body: string } | null {
  const [a, b, c] = origins;
  return (path) => {
    const html = (body: string) => ({ type: "text/html", body: `<!doctype html>${body}` });
    const js = (body: string) => ({ type: "text/javascript", body });
    switch (path) {
      case "/":
        return html(
          `<title>top</title><script>console.log("page")</script>` +
            `<iframe src="${b}/frame.html"></iframe>` +
            `<script>new Worker("/worker.js"); new SharedWorker("/shared.js");</script>`,
        );
      case "/frame.html":
        return html(
          `<script>console.log("frame")</script><iframe src="${c}/nested.html"></iframe>`,
        );
      case "/nested.html":
        return html(`<script>console.log("nested")</script>`);
      case "/worker.js":
        return js(`console.log("worker");`);
      case "/shared.js":
        return js(`console.log("shared"); onconnect = (e) => e.ports[0].postMessage("hi");`);
      case "/sw.html":
        return html(`<script>navigator.serviceWorker.register("/sw.js")</script>`);
      case "/sw.js":
        return js(`console.log("sw");`);
      case "/plain.html":
        return html(`<title>plain</title><iframe src="${b}/frame.html"></iframe>`);
      default: {
        const log = /^\/log\/(\w+)\.html$/.exec(path);
        if (log) return html(`<script>console.log(${JSON.stringify(log[1])})</script>`);
        void a;
        return null;
      }
    }
  };
}

function listen(handler: (path: string) => { type: string; body: string } | null): Promise<Server> {
  const server = createServer((req, res) => {
    const found = handler(new URL(req.url ?? "/", "http://x").pathname);
    if (!found) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": found.type, "cache-control": "no-store" }).end(found.body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/**
 * Starts the scenario's three servers.
 *
 * @example
 * ```ts ignore
 * const site = await startCdpSite();
 * await site.close();
 * ```
 */
export async function startCdpSite(): Promise<CdpSite> {
  const origins: string[] = [];
  const route = (path: string) => pages(origins)(path);
  const servers = [await listen(route), await listen(route), await listen(route)];
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  origins.push(
    `http://127.0.0.1:${ports[0]}`,
    `http://localhost:${ports[1]}`,
    `http://127.0.0.1:${ports[2]}`,
  );
  return {
    page: `${origins[0]}/`,
    frame: `${origins[1]}/frame.html`,
    nested: `${origins[2]}/nested.html`,
    worker: `${origins[0]}/worker.js`,
    shared: `${origins[0]}/shared.js`,
    origins: origins as [string, string, string],
    close: () =>
      Promise.all(servers.map((s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections?.();
          s.close(() => resolve());
        })
      )).then(() => {}),
  };
}

/**
 * Waits until `check()` is truthy (polling every 20 ms), or throws after `ms`.
 *
 * @example
 * ```ts ignore
 * await until(() => logs.length >= 5, 5000, "five logs");
 * ```
 */
export async function until<T>(check: () => T, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
