import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";
import { needs } from "../_system.ts";

needs("chromium");

const html = `<!doctype html><meta charset="utf-8"><title>websession net</title>
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

let page: BundlePage;

before(async () => {
  page = await startBundlePage(
    html,
    async (request) =>
      new Response(`${request.method} ${await request.text()} ${request.headers.get("x-test")}`),
  );
});

after(async () => {
  await page?.close();
});

describe("net and protocol in the browser bundle", () => {
  it("net.request, protocol.handle and the bypass work in headless Chromium", async () => {
    const result = await page.run();
    assert.deepEqual(result, {
      events: ["finish", "response:200", "end", "close"],
      chunks: [true],
      body: "POST hello page page",
      app: "app /index.html",
      handled: "handled",
    });
  });
});
