// `ses.clearStorageData(options)` of a Chromium-backed session clears what Electron's options
// name: only the storages listed, only for the origin given, and without options the storage of
// every origin the context showed, open or not.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs } from "../../_system.ts";

needs("chromium");

let browser: CdpBrowser;
let server: TestServer;
const partitions: string[] = [];

async function fresh() {
  const partition = `chromium-clear-storage-${Math.random().toString(36).slice(2)}`;
  partitions.push(partition);
  return await browserSession(browser, partition);
}

/**
 * Clears with `options` until `key` is gone from the page's localStorage (a value the page set
 * just before may reach Chromium's storage after a clearing that already ran; 20 tries).
 */
async function clearUntilGone(
  ses: Awaited<ReturnType<typeof fresh>>,
  page: { evaluate<T>(expression: string): Promise<T> },
  options: Parameters<Awaited<ReturnType<typeof fresh>>["clearStorageData"]>[0],
  key: string,
) {
  for (let i = 0; i < 20; i++) {
    await ses.clearStorageData(options);
    if (await page.evaluate(`localStorage.getItem(${JSON.stringify(key)})`) === null) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`localStorage "${key}" was not cleared`);
}

describe("clearStorageData on a Chromium-backed session", () => {
  before(async () => {
    server = await serve(() =>
      new Response("<!doctype html><title>storage</title>", {
        headers: { "content-type": "text/html" },
      })
    );
    browser = await launch({ pipe: true });
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    await server?.close();
  });

  it("storages: ['localstorage'] clears the page's localStorage and keeps its cookies", async () => {
    const ses = await fresh();
    const page = await ses.pages.open(`${server.url}/`);
    await page.evaluate("localStorage.setItem('k', 'v')");
    await ses.cookies.set({ url: `${server.url}/`, name: "kept", value: "1" });
    await clearUntilGone(ses, page, { storages: ["localstorage"] }, "k");
    assert.equal((await ses.cookies.get({ name: "kept" })).length, 1);
    await page.close();
  });

  it("an origin clears only the cookies and storage of that origin", async () => {
    const ses = await fresh();
    const page = await ses.pages.open(`${server.url}/`);
    await page.evaluate("localStorage.setItem('k', 'v')");
    await ses.cookies.set({ url: `${server.url}/`, name: "mine", value: "1" });
    await ses.cookies.set({ url: "http://other.test/", name: "theirs", value: "1" });
    await ses.clearStorageData({ origin: "http://other.test" });
    assert.equal(await page.evaluate("localStorage.getItem('k')"), "v");
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["mine"]);
    await clearUntilGone(
      ses,
      page,
      { origin: server.url, storages: ["cookies", "localstorage"] },
      "k",
    );
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), []);
    await page.close();
  });

  it("without options clears the storage of origins no page shows now, and with no page open", async () => {
    const ses = await fresh();
    const other = `http://localhost:${server.port}`;
    const page = await ses.pages.open(`${server.url}/`);
    await page.evaluate("localStorage.setItem('left', 'behind')");
    await page.goto(`${other}/`);
    await ses.clearStorageData();
    await page.goto(`${server.url}/`);
    assert.equal(await page.evaluate("localStorage.getItem('left')"), null, "left behind");
    await page.evaluate("localStorage.setItem('closed', 'page')");
    await page.close();
    await ses.clearStorageData();
    const again = await ses.pages.open(`${server.url}/`);
    assert.equal(await again.evaluate("localStorage.getItem('closed')"), null);
    await again.close();
  });
});
