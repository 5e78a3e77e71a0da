// A server's redirect to file:, about:, blob: or data: fails with net::ERR_UNSAFE_REDIRECT (as
// Chromium's network service), on ses.fetch and net.request, whatever the redirect mode; a
// webRequest listener may still redirect to data: (Chrome allows extensions to).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net, NetError } from "../../../mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

const TARGETS = [
  "data:text/plain,secret",
  "file:///etc/hostname",
  "about:blank",
  "blob:http://127.0.0.1/0f4d",
];

const unsafe = (e: unknown) => e instanceof NetError && e.code === "net::ERR_UNSAFE_REDIRECT";

describe("redirects to local schemes", () => {
  for (const target of TARGETS) {
    it(`a 302 to ${target.slice(0, target.indexOf(":") + 1)} is net::ERR_UNSAFE_REDIRECT`, async () => {
      const ses = freshSession("unsafe");
      const url = `${server.origin}/redirect/302?to=${encodeURIComponent(target)}`;
      await assert.rejects(ses.fetch(url), unsafe);
      await assert.rejects(ses.fetch(url, { redirect: "manual" }), unsafe);
      const request = net.request({ url, session: ses, redirect: "manual" });
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.deepEqual(seen.events, ["finish", "error", "close"]);
      assert.ok(unsafe(seen.errors[0]));
    });
  }

  it("http and https targets are still followed", async () => {
    const ses = freshSession("safe");
    const to = encodeURIComponent(`${server.origin}/hello`);
    const response = await ses.fetch(`${server.origin}/redirect/301?to=${to}`);
    assert.equal(await response.text(), "hello");
  });

  it("a webRequest listener may redirect to data:", async () => {
    const ses = freshSession("listener");
    ses.webRequest.onBeforeRequest((details, callback) => {
      const url = details.url as string;
      callback!(url.startsWith("http:") ? { redirectURL: "data:text/plain,from-listener" } : {});
    });
    const response = await ses.fetch(`${server.origin}/hello`);
    assert.equal(await response.text(), "from-listener");
  });
});
