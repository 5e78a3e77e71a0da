// A Chromium-backed session's downloads end in Electron's states: `completed`, `cancelled` when
// the app cancels; one the network breaks off is `interrupted` and resumable, as Electron's
// `updated` event documents it (Chromium's DevTools reports both as "canceled").
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

/** What the tests serve: the page and its two files. */
interface Site {
  server: Server;
  url: string;
  /**
   * Whether /broken.bin is cut off after 1,000 of its 100,000 bytes (Chromium retries a download
   * the network broke off a few times on its own before it gives up).
   */
  breaking: boolean;
}

/** Links to a file the server cuts off while told to, and to a whole one. */
function startServer(): Promise<Site> {
  const server = createServer((request, response) => {
    if (request.url === "/") {
      response.setHeader("content-type", "text/html");
      response.end(
        `<a id="broken" href="/broken.bin" download>b</a><a id="whole" href="/whole.bin" download>w</a>`,
      );
      return;
    }
    const broken = request.url === "/broken.bin" && site.breaking;
    response.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(request.url === "/broken.bin" ? 100_000 : 1_000),
    });
    response.write(new Uint8Array(1_000).fill(1));
    if (broken) setTimeout(() => response.socket?.destroy(), 50);
    else if (request.url === "/broken.bin") response.end(new Uint8Array(99_000).fill(2));
    else response.end();
  });
  const site: Site = { server, url: "", breaking: true };
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () =>
        resolve(
          Object.assign(site, {
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          }),
        ),
    )
  );
}

describe("a Chromium-backed session's download states", () => {
  needs("chromium");
  let browser: CdpBrowser;
  let site: Site;
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

  /** Clicks the link `id`; answers the item once `until` says it is where the test wants it. */
  async function download(
    id: string,
    until: (item: BrowserDownloadItem, event: string, state: string) => boolean,
  ): Promise<{ item: BrowserDownloadItem; events: string[] }> {
    const ses = await browserSession(browser, partition);
    ses.setDownloadPath(dir);
    const events: string[] = [];
    const reached = new Promise<BrowserDownloadItem>((resolve) => {
      ses.once("will-download", (_event: unknown, item: BrowserDownloadItem) => {
        for (const name of ["updated", "done"]) {
          item.on(name, (_e: unknown, state: string) => {
            if (events.at(-1) !== `${name} ${state}`) events.push(`${name} ${state}`);
            if (until(item, name, state)) resolve(item);
          });
        }
      });
    });
    const page = ses.pages.list()[0] ?? await ses.pages.open(`${site.url}/`);
    await page.evaluate(`document.getElementById(${JSON.stringify(id)}).click()`);
    return { item: await reached, events };
  }

  it("a download whose connection breaks is 'interrupted' and resumable, not done", async () => {
    const { item, events } = await download(
      "broken",
      (_i, event, state) => state === "interrupted" || event === "done",
    );
    assert.deepEqual(events.at(-1), "updated interrupted");
    assert.equal(item.getState(), "interrupted");
    assert.equal(item.canResume(), true);
    assert.equal(item.isPaused(), false);
    const done = new Promise((resolve) =>
      item.once("done", (_e: unknown, s: string) => resolve(s))
    );
    site.breaking = false;
    item.resume(); // from the first byte, served whole this time
    assert.equal(await done, "completed");
    assert.equal(item.getState(), "completed");
    assert.equal(item.getReceivedBytes(), 100_000);
    assert.deepEqual(events.slice(events.indexOf("updated interrupted")), [
      "updated interrupted",
      "updated progressing",
      "done completed",
    ]);
  });

  it("an interrupted download that is cancelled ends 'cancelled'", async () => {
    site.breaking = true;
    const { item } = await download(
      "broken",
      (_i, event, state) => state === "interrupted" || event === "done",
    );
    assert.equal(item.getState(), "interrupted");
    const done = new Promise((resolve) =>
      item.once("done", (_e: unknown, s: string) => resolve(s))
    );
    item.cancel();
    assert.equal(await done, "cancelled");
    assert.equal(item.getState(), "cancelled");
    assert.equal(item.canResume(), false);
  });

  it("a whole download still ends 'completed'", async () => {
    const { item, events } = await download("whole", (_i, event) => event === "done");
    assert.deepEqual(events.at(-1), "done completed");
    assert.equal(item.getState(), "completed");
  });
});
