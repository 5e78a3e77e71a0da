import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { buildBundle, bundlePath } from "../../scripts/bundle.ts";
import { serve, type TestServer } from "../_serve.ts";

const CHROMIUM = process.env.CHROME_PATH ?? "/usr/bin/chromium";
let server: TestServer;
let browser: Browser;

const page = `<!doctype html><meta charset="utf-8"><title>websession bundle</title>
<script type="module">
  import { session, definePlugin } from "/websession.js";
  window.run = async () => {
    const stamp = definePlugin({
      manifest: { name: "stamp", version: "1.0.0", hooks: ["beforeSendHeaders", "completed"] },
      setup(ctx) {
        ctx.tap("beforeSendHeaders", (req) => {
          const headers = new Headers(req.headers);
          headers.set("x-stamp", "from-the-page");
          return { requestHeaders: headers };
        });
        ctx.tap("completed", (req, res) => { window.completed = [req.id, res.status]; });
      },
    });
    const ses = session.fromPartition("page", { plugins: [stamp] });
    const response = await ses.fetch("/api/echo", { method: "POST", body: "hi" });
    const text = await response.text();
    let error = null;
    try { await ses.fetch("gopher://x/"); } catch (e) { error = e.code; }
    return { text, status: response.status, url: response.url, completed: window.completed, error };
  };
</script>`;

before(async () => {
  await buildBundle();
  const bundle = readFileSync(bundlePath);
  server = await serve(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/") return new Response(page, { headers: { "content-type": "text/html" } });
    if (pathname === "/websession.js") {
      return new Response(bundle, { headers: { "content-type": "text/javascript" } });
    }
    if (pathname === "/api/echo") {
      return new Response(
        `${request.method} ${await request.text()} ${request.headers.get("x-stamp")}`,
      );
    }
    return new Response("not found", { status: 404 });
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe("the browser bundle", () => {
  it("runs ses.fetch through the pipeline in headless Chromium against a local server", async () => {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/`);
    const result = await tab.evaluate(() =>
      (window as unknown as { run(): Promise<unknown> }).run()
    );
    assert.deepEqual(result, {
      text: "POST hi from-the-page",
      status: 200,
      url: `${server.url}/api/echo`,
      completed: [1, 200],
      error: "net::ERR_UNKNOWN_URL_SCHEME",
    });
    await tab.close();
  });
});
