// A Chromium-backed session's DownloadItem pauses and resumes as Electron's does for a server that
// cannot continue a download: pause() stops the transfer (the server sees its response's
// connection close) and leaves the item progressing, paused and resumable; resume() starts it
// again from the first byte, and the same item completes with the whole file.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import type { BrowserDownloadItem } from "../../../plugins/cdp/browser_downloads.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";

needs("chromium");

const SIZE = 50_000;

/** A file served by `startServer`: its requests so far, and when its first one closed. */
interface ServedFile {
  requests: number;
  closed: Promise<void>;
}

/** Each file's first request sends 1,000 bytes and holds; later ones send all of it. */
function startServer() {
  const files = new Map<string, ServedFile & { onClose(): void }>();
  for (const path of ["/file.bin", "/other.bin"]) {
    const file = { requests: 0, onClose: () => {} } as ServedFile & { onClose(): void };
    file.closed = new Promise<void>((resolve) => file.onClose = resolve);
    files.set(path, file);
  }
  const server: Server = createServer((request, response) => {
    if (request.url === "/") {
      response.setHeader("content-type", "text/html");
      response.end(
        `<a id="file" href="/file.bin" download>file</a><a id="other" href="/other.bin" download>o</a>`,
      );
      return;
    }
    const file = files.get(request.url ?? "");
    if (!file) return void response.writeHead(404).end();
    file.requests++;
    response.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(SIZE),
    });
    if (file.requests === 1) {
      response.write(new Uint8Array(1_000).fill(7));
      response.on("close", () => file.onClose());
      return;
    }
    response.end(new Uint8Array(SIZE).fill(7));
  });
  return new Promise<{ server: Server; url: string; file(path: string): ServedFile }>(
    (resolve) =>
      server.listen(0, "127.0.0.1", () =>
        resolve({
          server,
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          file: (path) => files.get(path)!,
        })),
  );
}

describe("pause() and resume() of a Chromium-backed session's download", () => {
  let browser: CdpBrowser;
  let site: Awaited<ReturnType<typeof startServer>>;
  let dir = "";
  const partition = `download-pause-${Math.random().toString(36).slice(2)}`;
  before(async () => {
    site = await startServer();
    browser = await launch({ pipe: true });
    dir = await mkdtemp(join(tmpdir(), "websession-download-pause-"));
  });
  after(async () => {
    await session.closePartition(partition);
    await browser?.close();
    site?.server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Clicks the link `id` and answers its item once it has received bytes. */
  async function startDownload(id: string) {
    const ses = await browserSession(browser, partition);
    ses.setDownloadPath(dir);
    const announced: BrowserDownloadItem[] = [];
    const started = new Promise<BrowserDownloadItem>((resolve) => {
      ses.on("will-download", (_event: unknown, item: BrowserDownloadItem) => {
        announced.push(item);
        const onUpdate = () => {
          if (item.getReceivedBytes() === 0) return;
          item.off("updated", onUpdate);
          resolve(item);
        };
        item.on("updated", onUpdate);
      });
    });
    const page = ses.pages.list()[0] ?? await ses.pages.open(`${site.url}/`);
    await page.evaluate(`document.getElementById(${JSON.stringify(id)}).click()`);
    return { item: await started, announced };
  }

  /** Resolves with the state `item`'s `done` tells. */
  function doneOf(item: BrowserDownloadItem): Promise<string> {
    return new Promise((resolve) =>
      item.once("done", (_e: unknown, state: string) => resolve(state))
    );
  }

  it("pause stops the transfer; resume starts it again and the same item completes", async () => {
    const { item, announced } = await startDownload("file");
    assert.equal(item.canResume(), false, "a download in progress cannot resume");
    item.pause();
    assert.equal(item.isPaused(), true);
    assert.equal(item.canResume(), true);
    assert.equal(item.getState(), "progressing");
    await site.file("/file.bin").closed; // the transfer stopped
    const done = doneOf(item);
    item.resume();
    assert.equal(item.isPaused(), false);
    assert.equal(await done, "completed");
    assert.equal(site.file("/file.bin").requests, 2, "resume sent the request again");
    assert.equal(announced.length, 1, "the restarted download is the same item");
    assert.equal(item.getReceivedBytes(), SIZE);
    assert.equal((await readFile(item.getSavePath())).byteLength, SIZE);
  });

  it("cancel() of a paused download ends it cancelled, asking for nothing more", async () => {
    const { item } = await startDownload("other");
    item.pause();
    await site.file("/other.bin").closed;
    const done = doneOf(item);
    item.cancel();
    assert.equal(await done, "cancelled");
    assert.equal(item.getState(), "cancelled");
    assert.equal(item.canResume(), false);
    item.resume(); // nothing to resume
    assert.equal(site.file("/other.bin").requests, 1);
  });
});
