import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";

const html = `<!doctype html><meta charset="utf-8"><title>websession cookies</title>
<script type="module">
  import { MatchPattern, pageCookies, session } from "/websession.js";
  window.run = async () => {
    document.cookie = "browser=1; path=/";
    const ses = session.fromPartition("page-cookies");
    await ses.ready;
    const seen = [];
    const pattern = new MatchPattern(location.origin + "/api/*");
    ses.webRequest.onBeforeSendHeaders({ urls: [location.origin + "/api/*"] }, (details, callback) => {
      seen.push(details.requestHeaders.Cookie ?? details.requestHeaders.cookie ?? null);
      callback({ requestHeaders: details.requestHeaders });
    });
    const cookies = ses.cookies;
    await cookies.set({ url: location.origin + "/", name: "jar", value: "1" });
    const sent = await (await ses.fetch("/api/cookie")).text();
    await ses.fetch("/api/set-cookie");
    const jar = (await cookies.get({})).map((c) => c.name + "=" + c.value);
    await cookies.remove(location.origin + "/", "jar");
    const afterRemove = (await cookies.get({})).length;
    return {
      sent,
      seen,
      jar,
      afterRemove,
      browser: document.cookie,
      matches: [pattern.matches(location.origin + "/api/x"), pattern.matches("https://example.org/api/x")],
      pageCookies,
    };
  };
</script>`;

let page: BundlePage;

before(async () => {
  page = await startBundlePage(html, (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/set-cookie") {
      return new Response("set", { headers: { "set-cookie": "net=1; Path=/" } });
    }
    return new Response(`cookie: ${request.headers.get("cookie")}`);
  });
});

after(async () => {
  await page?.close();
});

describe("cookies in the browser bundle", () => {
  it("keeps the partition's own jar, apart from the browser's store, with what a page cannot do stated", async () => {
    const result = await page.run();
    assert.deepEqual(result, {
      // credentials "omit": neither the browser's cookie nor the jar's header reaches the server.
      sent: "cookie: null",
      // webRequest listeners see the jar's Cookie header, on both requests.
      seen: ["jar=1", "jar=1"],
      // Set-Cookie of a network response is hidden from fetch: the jar keeps only its own.
      jar: ["jar=1"],
      afterRemove: 0,
      // ... and the browser's store was not written either.
      browser: "browser=1",
      matches: [true, false],
      pageCookies: {
        ownJar: true,
        browserStore: false,
        cookieHeaderSent: false,
        setCookieRead: false,
      },
    });
  });
});
