import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { type Browser, chromium } from "playwright-core";
import { buildBundle, bundlePath } from "../../scripts/bundle.ts";
import { serve, type TestServer } from "../_serve.ts";

const CHROMIUM = process.env.CHROME_PATH ?? "/usr/bin/chromium";
let server: TestServer;
let browser: Browser;

const page = `<!doctype html><meta charset="utf-8"><title>websession net</title>
<script type="module">
  import { net, session } from "/websession.js";
  window.run = async () => {
    const ses = session.fromPartition("page-net");
    await ses.ready;
    const events = [];
    const chunks = [];
    const body = await new Promise((resolve) => {
      const request = net.request({ method: "POST", url: location.origin + "/api/echo", session: ses });
      request.setHeader("X-Test", "page");
      for (const name of ["finish", "abort", "error"]) request.on(name, () => events.push(name));
      request.on("response", (response) => {
        events.push("response:" + response.statusCode);
        response.on("data", (chunk) => chunks.push(chunk instanceof Uint8Array));
        response.on("end", () => events.push("end"));
      });
      let text = "";
      request.on("response", (response) =>
        response.on("data", (chunk) => (text += new TextDecoder().decode(chunk))));
      request.on("close", () => {
        events.push("close");
        resolve(text);
      });
      request.write("hello ");
      request.end("page");
    });
    ses.protocol.handle("app", (request) => new Response("app " + new URL(request.url).pathname));
    const app = await (await ses.fetch("app://bundle/index.html")).text();
    ses.protocol.handle("http", (request) =>
      request.url.endsWith("/intercepted")
        ? new Response("handled")
        : net.fetch(request, { bypassCustomProtocolHandlers: true }));
    const handled = await (await ses.fetch("/intercepted")).text();
    return { events, chunks, body, app, handled };
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
        `${request.method} ${await request.text()} ${request.headers.get("x-test")}`,
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

describe("net and protocol in the browser bundle", () => {
  it("net.request, protocol.handle and the bypass work in headless Chromium", async () => {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/`);
    const result = await tab.evaluate(() =>
      (window as unknown as { run(): Promise<unknown> }).run()
    );
    assert.deepEqual(result, {
      events: ["finish", "response:200", "end", "close"],
      chunks: [true],
      body: "POST hello page page",
      app: "app /index.html",
      handled: "handled",
    });
    await tab.close();
  });
});
