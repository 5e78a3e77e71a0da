/**
 * HAR files across Playwright and websession, in headless Chromium: what Playwright's `recordHar`
 * writes replays in `ses.har.replay`, and what `ses.har.record` writes replays through
 * Playwright's `routeFromHAR`. In both directions the server is closed before the replay, so
 * every answer comes from the HAR.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { type Browser, chromium } from "playwright-core";
import { session } from "../../../mod.ts";
import { serve } from "../../_serve.ts";
import { needs, requireCommand } from "../../_system.ts";

const PAGE = "<!doctype html><title>har</title><p id=msg>from the server</p>" +
  '<script src="/app.js"></script>';
const SCRIPT = 'document.getElementById("msg").textContent += " and its script";';

function site() {
  return serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/app.js") {
      return new Response(SCRIPT, { headers: { "content-type": "text/javascript" } });
    }
    if (path === "/") {
      return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return new Response("not found", { status: 404 });
  });
}

describe("HAR interop with Playwright", () => {
  needs("chromium");
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(`${tmpdir()}/websession-har-pw-`);
    browser = await chromium.launch({
      executablePath: requireCommand("chromium"),
      args: ["--no-sandbox", "--disable-gpu"],
    });
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("replays in websession what Playwright recorded", async () => {
    const server = await site();
    const path = `${dir}/playwright.har`;
    const context = await browser.newContext({ recordHar: { path, content: "embed" } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    assert.equal(await page.textContent("#msg"), "from the server and its script");
    await context.close();
    await server.close();

    const ses = session.fromPartition("har-from-playwright");
    const replay = await ses.har.replay(path);
    assert.equal(await (await ses.fetch(`${server.url}/`)).text(), PAGE);
    const script = await ses.fetch(`${server.url}/app.js`);
    assert.equal(await script.text(), SCRIPT);
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    await replay.stop();
  });

  it("replays through Playwright's routeFromHAR what websession recorded", async () => {
    const server = await site();
    const path = `${dir}/websession.har`;
    const ses = session.fromPartition("har-for-playwright");
    const recorder = ses.har.record({ path });
    await (await ses.fetch(`${server.url}/`)).text();
    await (await ses.fetch(`${server.url}/app.js`)).text();
    await recorder.stop();
    await server.close();

    const context = await browser.newContext();
    await context.routeFromHAR(path, { notFound: "abort" });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    assert.equal(await page.textContent("#msg"), "from the server and its script");
    await context.close();
  });
});
