import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";
import { needs } from "../_system.ts";

needs("chromium");

const html = `<!doctype html><meta charset="utf-8"><title>websession bundle</title>
<script type="module">
  import { cdp, session, definePlugin } from "/websession.js";
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
    const ses = session.fromPartition("page", { preset: false, plugins: [stamp] });
    const response = await ses.fetch("/api/echo", { method: "POST", body: "hi" });
    const text = await response.text();
    const completed = window.completed;
    let error = null;
    try { await ses.fetch("gopher://x/"); } catch (e) { error = e.code; }
    // The page's fetch follows a server's redirect itself: the answer still names where it ended.
    const moved = await ses.fetch("/api/moved");
    const followed = [moved.url, moved.redirected, await moved.text()];
    // ... also through the default plugins (the HTTP cache's transport tap sends it on).
    const viaCache = await session.fromPartition("page-default").fetch("/api/moved");
    const followedViaCache = [viaCache.url, viaCache.redirected, await viaCache.text()];
    // ... and through network emulation pacing the body.
    const paced = session.fromPartition("page-paced");
    paced.enableNetworkEmulation({ downloadThroughput: 1024 * 1024 });
    const viaPacing = await paced.fetch("/api/moved");
    const followedViaPacing = [viaPacing.url, viaPacing.redirected, await viaPacing.text()];
    const refused = await ses.fetch("/api/moved", { redirect: "error" }).then(
      (r) => "followed to " + r.url,
      (e) => e.code + " " + e.message,
    );
    // A DevTools endpoint that refuses the page's origin (as Chromium does without
    // --remote-allow-origins): the error says what to start it with.
    const devtools = "ws://" + location.host + "/api/devtools/browser/x";
    const cdpRefused = await cdp.connect(devtools).then(() => "connected", (e) => e.message);
    // Another origin without CORS headers: the page's fetch does not say why, the error says so.
    const other = "http://localhost:" + location.port + "/api/echo";
    const cors = await ses.fetch(other).then(() => "answered", (e) => e.code + " " + e.message);
    return {
      text, status: response.status, url: response.url, completed, error,
      followed, followedViaCache, followedViaPacing, refused, cdpRefused, cors,
    };
  };
</script>`;

let page: BundlePage;

before(async () => {
  page = await startBundlePage(
    html,
    async (request) =>
      new URL(request.url).pathname.startsWith("/api/devtools/")
        ? new Response("refused", { status: 403 })
        : new URL(request.url).pathname === "/api/moved"
        ? new Response(null, { status: 302, headers: { location: "/api/echo" } })
        : new Response(
          `${request.method} ${await request.text()} ${request.headers.get("x-stamp")}`,
        ),
  );
});

after(async () => {
  await page?.close();
});

describe("the browser bundle", () => {
  it("runs ses.fetch through the pipeline in headless Chromium against a local server", async () => {
    const result = await page.run();
    assert.deepEqual(result, {
      text: "POST hi from-the-page",
      status: 200,
      url: `${page.url}/api/echo`,
      completed: [1, 200],
      error: "net::ERR_UNKNOWN_URL_SCHEME",
      followed: [`${page.url}/api/echo`, true, "GET  from-the-page"],
      followedViaCache: [`${page.url}/api/echo`, true, "GET  null"],
      followedViaPacing: [`${page.url}/api/echo`, true, "GET  null"],
      refused:
        `net::ERR_FAILED net::ERR_FAILED: Redirect to ${page.url}/api/echo refused (redirect: "error")`,
      cdpRefused: `Cannot connect to ws://${new URL(page.url).host}/api/devtools/browser/x: ` +
        `a browser started with --remote-debugging-port accepts a page's WebSocket only when ` +
        `also started with --remote-allow-origins=${page.url}`,
      cors: `net::ERR_FAILED net::ERR_FAILED: Failed to fetch ` +
        `http://localhost:${new URL(page.url).port}/api/echo: a page's fetch does not say why ` +
        `(a CORS refusal, a refused connection, an unsafe port, an unresolved name; the ` +
        `browser's console names it)`,
    });
  });
});
