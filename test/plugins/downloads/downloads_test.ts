import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import type { DownloadItem } from "../../../plugins/downloads/mod.ts";
import { bytesOf, type FileServer, fileServer } from "./_file_server.ts";

let server: FileServer;
const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(`${tmpdir()}/websession-downloads-`);
  dirs.push(dir);
  return dir;
}
before(async () => {
  server = await fileServer();
});
after(async () => {
  await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fresh(dir = folder()) {
  const ses = session.fromPartition(`downloads-${Math.random().toString(36).slice(2)}`);
  ses.setDownloadPath(dir);
  return ses;
}
type Ses = ReturnType<typeof fresh>;

interface Watched {
  item: DownloadItem;
  webContents: unknown;
  updates: string[];
  done: Promise<string>;
}

/** The next item of `will-download`, with its `updated` states and its `done` state. */
function nextItem(ses: Ses, onItem?: (item: DownloadItem) => void): Promise<Watched> {
  return new Promise((resolve) => {
    ses.once("will-download", (_event, item: DownloadItem, webContents: unknown) => {
      const updates: string[] = [];
      item.on("updated", (_e, state: string) => updates.push(state));
      const done = new Promise<string>((r) => item.once("done", (_e, state: string) => r(state)));
      onItem?.(item);
      resolve({ item, webContents, updates, done });
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe("downloads: downloadURL and DownloadItem", () => {
  it("downloads a file into the download path, with Electron's item methods", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const watched = nextItem(ses);
    const url = `${server.url}/file/data.bin?size=300000`;
    ses.downloadURL(
      `${server.url}/redirect?to=${encodeURIComponent("/file/data.bin?size=300000")}`,
    );
    const { item, webContents, updates, done } = await watched;
    assert.equal(webContents, null);
    assert.equal(item.getState(), "progressing");
    assert.equal(await done, "completed");
    assert.equal(item.getState(), "completed");
    assert.equal(item.getSavePath(), `${dir}/data.bin`);
    assert.equal(item.getFilename(), "data.bin");
    assert.equal(item.getURL(), url);
    assert.deepEqual(item.getURLChain(), [
      `${server.url}/redirect?to=${encodeURIComponent("/file/data.bin?size=300000")}`,
      url,
    ]);
    assert.equal(item.getMimeType(), "application/octet-stream");
    assert.equal(item.getTotalBytes(), 300000);
    assert.equal(item.getReceivedBytes(), 300000);
    assert.equal(item.getPercentComplete(), 100);
    assert.equal(item.getETag(), '"size-300000"');
    assert.match(item.getLastModifiedTime(), /GMT$/);
    assert.equal(item.getContentDisposition(), "");
    assert.equal(item.hasUserGesture(), false);
    assert.equal(item.isPaused(), false);
    assert.equal(item.canResume(), false);
    assert.ok(item.getStartTime() > 1e9 && item.getStartTime() <= item.getEndTime());
    assert.ok(updates.length >= 1 && updates.every((s) => s === "progressing"));
    assert.deepEqual(readFileSync(`${dir}/data.bin`), Buffer.from(bytesOf(0, 300000)));
    assert.deepEqual(readdirSync(dir), ["data.bin"], "no .crdownload is left");
  });

  it("setSavePath in will-download wins (its folder is created); dialog options are kept", async () => {
    const dir = folder();
    const ses = fresh();
    const target = `${dir}/nested/deeper/saved.bin`;
    const watched = nextItem(ses, (item) => {
      item.setSaveDialogOptions({ title: "Save it" });
      item.setSavePath(target);
    });
    ses.downloadURL(`${server.url}/file/x.bin?size=1000`);
    const { item, done } = await watched;
    assert.equal(await done, "completed");
    assert.equal(item.getSavePath(), target);
    assert.deepEqual(item.getSaveDialogOptions(), { title: "Save it" });
    assert.equal(readFileSync(target).length, 1000);
  });

  it("an existing file is not overwritten: the new one is 'name (1).ext'", async () => {
    const dir = folder();
    writeFileSync(`${dir}/report.pdf`, "old");
    const ses = fresh(dir);
    const watched = nextItem(ses);
    ses.downloadURL(`${server.url}/file/report.pdf?size=10`);
    const { item, done } = await watched;
    assert.equal(await done, "completed");
    assert.equal(item.getSavePath(), `${dir}/report (1).pdf`);
    // Electron's getFilename() is the name made from the URL and Content-Disposition
    // (net::GenerateFileName), not the save path's: still "report.pdf".
    assert.equal(item.getFilename(), "report.pdf");
    assert.equal(readFileSync(`${dir}/report.pdf`, "utf8"), "old");
  });

  it("event.preventDefault() in will-download cancels the download", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const watched = new Promise<DownloadItem>((resolve) => {
      ses.once("will-download", (event, item: DownloadItem) => {
        event.preventDefault();
        resolve(item);
      });
    });
    ses.downloadURL(`${server.url}/file/no.bin?size=1000`);
    const item = await watched;
    assert.equal(item.getState(), "cancelled");
    await sleep(50);
    assert.deepEqual(readdirSync(dir), []);
    // Electron's spec/api-session-spec.ts 'can cancel default download behavior': "item will not
    // be available from next tick of the process".
    assert.throws(() => item.getURL(), { message: "DownloadItem used after being destroyed" });
    assert.throws(() => item.getState(), /used after being destroyed/);
  });

  it("takes a save path set by code that awaited will-download, as Electron's spec does", async () => {
    // spec/api-session-spec.ts 'can perform a download': `const [, item] = await once(...)` and
    // then `item.savePath = downloadFilePath`.
    const dir = folder();
    const ses = fresh(dir);
    const announced = new Promise<DownloadItem>((resolve) =>
      ses.once("will-download", (_event, item: DownloadItem) => resolve(item))
    );
    ses.downloadURL(`${server.url}/file/awaited.bin?size=1000`);
    const item = await announced;
    item.savePath = `${dir}/chosen/awaited-copy.bin`;
    const state = await new Promise((resolve) => item.once("done", (_e, s: string) => resolve(s)));
    assert.equal(state, "completed");
    assert.equal(item.getSavePath(), `${dir}/chosen/awaited-copy.bin`);
    assert.equal(item.getFilename(), "awaited.bin", "the URL's name, not the save path's");
    assert.equal(readFileSync(`${dir}/chosen/awaited-copy.bin`).length, 1000);
  });

  it("an item is usable in will-download and until the next tick after preventDefault()", async () => {
    const ses = fresh(folder());
    const seen = new Promise<[string, string, DownloadItem]>((resolve) => {
      ses.once("will-download", (event, item: DownloadItem) => {
        event.preventDefault();
        resolve([item.getURL(), item.getFilename(), item]);
      });
    });
    ses.downloadURL(`${server.url}/file/kept.bin?size=10`);
    const [url, filename, item] = await seen;
    assert.equal(url, `${server.url}/file/kept.bin?size=10`);
    assert.equal(filename, "kept.bin");
    assert.equal(item.getURL(), url); // the same turn of the event loop
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.throws(() => item.getURL(), /DownloadItem used after being destroyed/);
    // An item nobody prevented stays usable.
    const kept = nextItem(ses);
    ses.downloadURL(`${server.url}/file/kept2.bin?size=10`);
    const { item: other, done } = await kept;
    assert.equal(await done, "completed");
    await sleep(10);
    assert.equal(other.getState(), "completed");
  });

  it("pause stops reading, resume continues; the content is whole", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const size = 600 * 1024;
    const watched = nextItem(ses);
    ses.downloadURL(`${server.url}/slow/slow.bin?size=${size}`);
    const { item, done, updates } = await watched;
    await until(() => item.getReceivedBytes() > 0, "the first bytes");
    item.pause();
    assert.equal(item.isPaused(), true);
    assert.equal(item.canResume(), true);
    assert.equal(item.getState(), "progressing");
    await sleep(100);
    const paused = item.getReceivedBytes();
    await sleep(200);
    assert.equal(item.getReceivedBytes(), paused, "nothing is read while paused");
    assert.ok(paused < size);
    assert.equal(item.getCurrentBytesPerSecond(), 0);
    item.resume();
    assert.equal(item.isPaused(), false);
    assert.equal(await done, "completed");
    assert.ok(updates.includes("progressing"));
    assert.deepEqual(readFileSync(`${dir}/slow.bin`), Buffer.from(bytesOf(0, size)));
    const requests = server.requests("/slow/slow.bin");
    if ("Deno" in globalThis) {
      // Deno pipes the body into the file natively: a pause ends that request, resume asks for
      // the rest (the file server sends Accept-Ranges and an ETag).
      assert.equal(requests.length, 2);
      assert.equal(requests[1].get("range"), `bytes=${paused}-`);
      assert.equal(requests[1].get("if-range"), `"size-${size}"`);
    } else assert.equal(requests.length, 1, "Bun reads chunk by chunk: the request goes on");
  });

  it("cancel removes the partial file", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const watched = nextItem(ses);
    ses.downloadURL(`${server.url}/slow/cancelled.bin?size=${1024 * 1024}`);
    const { item, done } = await watched;
    await until(() => item.getReceivedBytes() > 0, "the first bytes");
    assert.ok(existsSync(`${dir}/cancelled.bin.crdownload`));
    item.cancel();
    assert.equal(await done, "cancelled");
    assert.equal(item.getState(), "cancelled");
    assert.equal(item.canResume(), false);
    await until(() => readdirSync(dir).length === 0, "the partial file to go");
  });

  it("a connection dropped mid-way interrupts; resume asks for the rest with Range and If-Range", async () => {
    const dir = folder();
    const ses = fresh(dir);
    ses.on("hook-error", () => {}); // the dropped connection is reported there
    const size = 512 * 1024;
    const watched = nextItem(ses);
    ses.downloadURL(`${server.url}/drop/dropped.bin?size=${size}&at=${200 * 1024}`);
    const { item, done, updates } = await watched;
    await until(() => updates.includes("interrupted"), "the interruption");
    assert.equal(item.getState(), "interrupted");
    assert.equal(item.canResume(), true);
    const received = item.getReceivedBytes();
    assert.ok(received > 0 && received <= 200 * 1024, `received ${received}`);
    assert.ok(existsSync(`${dir}/dropped.bin.crdownload`));
    assert.ok(!existsSync(`${dir}/dropped.bin`), "no half-written file under the final name");
    item.resume();
    assert.equal(await done, "completed");
    const last = server.requests("/drop/dropped.bin").at(-1)!;
    assert.equal(last.get("range"), `bytes=${received}-`);
    assert.equal(last.get("if-range"), `"size-${size}"`);
    assert.deepEqual(readFileSync(`${dir}/dropped.bin`), Buffer.from(bytesOf(0, size)));
  });

  it("a server that ignores Range: resume starts over", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const size = 300 * 1024;
    writeFileSync(`${dir}/again.bin.crdownload`, bytesOf(0, 1000));
    ses.createInterruptedDownload({
      path: `${dir}/again.bin`,
      urlChain: [`${server.url}/ignore-range/again.bin?size=${size}`],
      offset: 1000,
      length: size,
      eTag: `"size-${size}"`,
    });
    const { item, done } = await nextItem(ses);
    assert.equal(item.getState(), "interrupted");
    assert.equal(item.getReceivedBytes(), 1000);
    item.resume();
    assert.equal(await done, "completed");
    assert.equal(server.requests("/ignore-range/again.bin").at(-1)!.get("range"), "bytes=1000-");
    assert.deepEqual(readFileSync(`${dir}/again.bin`), Buffer.from(bytesOf(0, size)));
  });

  it("resume without an ETag or Last-Modified starts over, as Chromium does", async () => {
    // Chromium continues a download only with a validator to check the rest belongs to the same
    // file (DownloadItemImpl::GetResumeMode); without one the partial data is not trusted.
    const dir = folder();
    const ses = fresh(dir);
    const size = 4000;
    writeFileSync(`${dir}/kept.bin.crdownload`, new Uint8Array(1000).fill(0xee));
    ses.createInterruptedDownload({
      path: `${dir}/kept.bin`,
      urlChain: [`${server.url}/file/stale.bin?size=${size}`],
      offset: 1000,
      length: size,
    });
    const { item, done } = await nextItem(ses);
    // Electron's getFilename() is made from the URL (net::GenerateFileName), not from the path.
    assert.equal(item.getFilename(), "stale.bin");
    item.resume();
    assert.equal(await done, "completed");
    assert.equal(server.requests("/file/stale.bin").at(-1)!.get("range"), null);
    assert.equal(item.getETag(), `"size-${size}"`, "the validator of the new answer is kept");
    assert.deepEqual(readFileSync(`${dir}/kept.bin`), Buffer.from(bytesOf(0, size)));
  });

  it("an HTTP error ends the item as interrupted, with no file", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const watched = nextItem(ses);
    ses.downloadURL(`${server.url}/missing`);
    const { item, done } = await watched;
    assert.equal(await done, "interrupted");
    assert.equal(item.canResume(), false);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("goes through the session's pipeline: cookies and webRequest see it", async () => {
    const dir = folder();
    const ses = fresh(dir);
    await ses.cookies.set({ url: server.url, name: "token", value: "abc" });
    const seen: string[] = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      seen.push(details.url);
      callback?.({ requestHeaders: { ...details.requestHeaders, "x-extra": "1" } });
    });
    const watched = nextItem(ses);
    ses.downloadURL(`${server.url}/echo/cookie.txt`, { headers: { "x-from": "download" } });
    const { item, done } = await watched;
    assert.equal(await done, "completed");
    assert.equal(readFileSync(item.getSavePath(), "utf8"), "token=abc");
    assert.deepEqual(seen, [`${server.url}/echo/cookie.txt`]);
    const headers = server.requests("/echo/cookie.txt").at(-1)!;
    assert.equal(headers.get("x-from"), "download");
    assert.equal(headers.get("x-extra"), "1");
  });

  it("names files from Content-Disposition (filename* first), else the URL", async () => {
    const dir = folder();
    const ses = fresh(dir);
    const cases: Array<[string, string]> = [
      [`attachment; filename="plain.txt"`, "plain.txt"],
      [`attachment; filename*=UTF-8''%E2%82%AC%20rates.txt; filename="rates.txt"`, "€ rates.txt"],
      [`attachment; filename="../../etc/passwd"`, "_.._etc_passwd"],
      [`attachment; filename="a:b*c?.txt"`, "a_b_c_.txt"],
      [`attachment`, "cd"],
    ];
    for (const [value, expected] of cases) {
      const watched = nextItem(ses);
      ses.downloadURL(`${server.url}/cd?value=${encodeURIComponent(value)}`);
      const { item, done } = await watched;
      assert.equal(await done, "completed");
      assert.equal(item.getContentDisposition(), value);
      assert.equal(item.getFilename(), expected, value);
      // The response said "text/plain;charset=UTF-8": Chromium's mime type is the essence only.
      assert.equal(item.getMimeType(), "text/plain");
    }
  });

  it("rejects bad arguments with a TypeError naming them", () => {
    const ses = fresh();
    assert.throws(() => ses.downloadURL("not a url"), /downloadURL: invalid URL/);
    assert.throws(
      () => ses.downloadURL(server.url, { headers: { a: 1 as unknown as string } }),
      /Invalid value for headers - must be an object \(headers\["a"\] is not a string\)/,
    );
    // Electron's spec/api-session-spec.ts 'throws when called with invalid headers'.
    assert.throws(
      // @ts-expect-error: wrong type on purpose
      () => ses.downloadURL(server.url, { headers: "i-am-a-bad-header" }),
      /Invalid value for headers - must be an object/,
    );
    assert.throws(() => ses.setDownloadPath(""), /setDownloadPath/);
    assert.throws(
      () =>
        ses.createInterruptedDownload({
          path: "relative",
          urlChain: [server.url],
          offset: 0,
          length: 5,
        }),
      /path must be an absolute path/,
    );
    assert.throws(
      () =>
        ses.createInterruptedDownload({
          path: "/tmp/x",
          urlChain: [server.url],
          offset: -1,
          length: 5,
        }),
      /offset must be a non-negative integer/,
    );
  });

  it("createInterruptedDownload throws Electron's errors for what Electron checks", () => {
    const ses = fresh();
    const missing = { name: "Error", message: "Must pass non-empty path, urlChain and length." };
    // @ts-expect-error: missing fields on purpose
    assert.throws(() => ses.createInterruptedDownload({}), missing);
    assert.throws(
      () => ses.createInterruptedDownload({ path: "/tmp/x", urlChain: [], offset: 0, length: 5 }),
      missing,
    );
    assert.throws(
      // @ts-expect-error: no length on purpose
      () => ses.createInterruptedDownload({ path: "/tmp/x", urlChain: [server.url] }),
      missing,
    );
    for (const offset of [5, 6]) {
      assert.throws(
        () =>
          ses.createInterruptedDownload({
            path: "/tmp/x",
            urlChain: [server.url],
            offset,
            length: 5,
          }),
        { name: "Error", message: "Must pass an offset value less than length." },
      );
    }
  });
});
