// `ses.clearStorageData(options)` of a Chromium-backed session clears what Electron's options
// name: only the storages listed, only for the origin given.
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
    await ses.clearStorageData({ storages: ["localstorage"] });
    assert.equal(await page.evaluate("localStorage.getItem('k')"), null);
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
    await ses.clearStorageData({ origin: server.url, storages: ["cookies", "localstorage"] });
    assert.equal(await page.evaluate("localStorage.getItem('k')"), null);
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), []);
    await page.close();
  });
});
