import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";

// A module service worker that imports the bundle and answers /sw/* through a session: a
// webRequest listener stamps the request, the partition's jar adds its cookie in the pipeline.
// It imports the service workers' bundle: a service worker may not import() the page bundle's
// chunks.
const worker = `import { session } from "/websession.worker.js";
const ses = session.fromPartition("worker");
const ready = (async () => {
  await ses.ready;
  ses.webRequest.onBeforeSendHeaders((details, callback) => {
    details.requestHeaders["X-Stamp"] = "worker " + (details.requestHeaders.Cookie ?? details.requestHeaders.cookie ?? "");
    callback({ requestHeaders: details.requestHeaders });
  });
  await ses.cookies.set({ url: self.location.origin + "/", name: "sw", value: "1" });
})();
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (!url.pathname.startsWith("/sw/")) return;
  event.respondWith(ready.then(() => ses.fetch("/api" + url.pathname.slice(3))));
});
`;

const html = `<!doctype html><meta charset="utf-8"><title>websession worker</title>
<script type="module">
  window.run = async () => {
    await navigator.serviceWorker.register("/sw.js", { type: "module" });
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
    const response = await fetch("/sw/echo");
    return { status: response.status, text: await response.text() };
  };
</script>`;

let page: BundlePage;

before(async () => {
  page = await startBundlePage(
    html,
    (request) =>
      new Response(
        `${new URL(request.url).pathname} ${request.headers.get("x-stamp")} ${
          request.headers.get("cookie")
        }`,
      ),
    { "/sw.js": worker },
  );
});

after(async () => {
  await page?.close();
});

describe("the browser bundle in a service worker", () => {
  it("answers a page's fetch through a session with its plugins", async () => {
    assert.deepEqual(await page.run(), { status: 200, text: "/api/echo worker sw=1 null" });
  });
});
