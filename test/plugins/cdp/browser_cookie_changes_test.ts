// `ses.cookies.on("changed")` of a Chromium-backed session with Electron's causes: a listener
// added just before a `set` hears of it, insertions are `inserted`, an overwritten cookie is
// `overwrite`, `remove` is `explicit`, and a server deleting a cookie with an expired Set-Cookie
// is `expired-overwrite` (as Chromium's CookieMonster reports it).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs } from "../../_system.ts";
import { eventually, freshSessions } from "./_browser_site.ts";

needs("chromium");

let browser: CdpBrowser;
let server: TestServer;
const { partitions, fresh } = freshSessions("chromium-cookie-changes", () => browser);

describe("cookies changed events of a Chromium-backed session", () => {
  before(async () => {
    server = await serve((request) => {
      const path = new URL(request.url).pathname;
      const headers = new Headers({ "content-type": "text/html" });
      if (path === "/set") headers.append("set-cookie", "gone=1; Path=/");
      if (path === "/delete") headers.append("set-cookie", "gone=; Path=/; Max-Age=0");
      return new Response("<!doctype html><title>cookies</title>", { headers });
    });
    browser = await launch({ pipe: true });
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    await server?.close();
  });

  it("set, overwrite and remove through the API, told with Electron's causes", async () => {
    const ses = await fresh();
    const changes: string[] = [];
    ses.cookies.on("changed", (_event, cookie, cause, removed) => {
      changes.push(`${cookie.name}=${cookie.value} ${cause} ${removed}`);
    });
    await ses.cookies.set({ url: `${server.url}/`, name: "x", value: "1" });
    await ses.cookies.set({ url: `${server.url}/`, name: "x", value: "2" });
    await ses.cookies.remove(`${server.url}/`, "x");
    assert.deepEqual(changes, [
      "x=1 inserted false",
      "x=1 overwrite true",
      "x=2 inserted false",
      "x=2 explicit true",
    ]);
  });

  it("a cookie the server deletes with an expired Set-Cookie is expired-overwrite", async () => {
    const ses = await fresh();
    const changes: string[] = [];
    ses.cookies.on("changed", (_event, cookie, cause, removed) => {
      changes.push(`${cookie.name} ${cause} ${removed}`);
    });
    const page = await ses.pages.open(`${server.url}/set`);
    await eventually(() => changes.includes("gone inserted false"), "the server's cookie told");
    await page.goto(`${server.url}/delete`);
    await eventually(() => changes.length === 2, "the deletion told");
    assert.deepEqual(changes, ["gone inserted false", "gone expired-overwrite true"]);
    await page.close();
  });
});
