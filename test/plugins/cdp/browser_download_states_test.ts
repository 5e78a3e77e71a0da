// A Chromium-backed session's downloads end in Electron's states: `completed`, `cancelled` when
// the app cancels, and `interrupted` when the network fails (Chromium's DevTools reports both as
// "canceled").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import type { BrowserDownloadItem } from "../../../plugins/cdp/browser_downloads.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";

needs("chromium");

/** Links to a file the server cuts off after 1,000 of its 100,000 bytes, and to a whole one. */
function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.url === "/") {
      response.setHeader("content-type", "text/html");
      response.end(
        `<a id="broken" href="/broken.bin" download>b</a><a id="whole" href="/whole.bin" download>w</a>`,
      );
      return;
    }
    const broken = request.url === "/broken.bin";
    response.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(broken ? 100_000 : 1_000),
    });
    response.write(new Uint8Array(1_000).fill(1));
    if (broken) setTimeout(() => response.socket?.destroy(), 50);
    else response.end();
  });
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    )
  );
}

describe("a Chromium-backed session's download states", () => {
  needs("chromium");
  let browser: CdpBrowser;
  let site: { server: Server; url: string };
  let dir = "";
  const partition = `download-states-${Math.random().toString(36).slice(2)}`;
  before(async () => {
    site = await startServer();
    browser = await launch({ pipe: true });
    dir = await mkdtemp(join(tmpdir(), "websession-download-states-"));
  });
  after(async () => {
    await session.closePartition(partition);
    await browser?.close();
    site?.server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Clicks the link `id` and answers the item's state at `done` and `getState()`. */
  async function download(id: string): Promise<{ done: string; state: string }> {
    const ses = await browserSession(browser, partition);
    ses.setDownloadPath(dir);
    const ended = new Promise<{ done: string; state: string }>((resolve) => {
      ses.once("will-download", (_event: unknown, item: BrowserDownloadItem) => {
        item.once("done", (_e: unknown, done: string) => resolve({ done, state: item.getState() }));
      });
    });
    const page = ses.pages.list()[0] ?? await ses.pages.open(`${site.url}/`);
    await page.evaluate(`document.getElementById(${JSON.stringify(id)}).click()`);
    return await ended;
  }

  it("a download whose connection breaks ends 'interrupted', not 'cancelled'", async () => {
    assert.deepEqual(await download("broken"), { done: "interrupted", state: "interrupted" });
  });

  it("a whole download still ends 'completed'", async () => {
    assert.deepEqual(await download("whole"), { done: "completed", state: "completed" });
  });
});
