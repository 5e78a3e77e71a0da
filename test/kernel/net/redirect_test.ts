import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

function post(url: string, redirect?: "follow" | "error" | "manual") {
  const request = net.request({
    method: "POST",
    url,
    redirect,
    session: freshSession("redirect"),
  });
  request.setHeader("Content-Type", "text/plain");
  return request;
}

describe("ClientRequest: redirects", () => {
  for (
    const [status, method, body] of [
      [301, "GET", ""],
      [302, "GET", ""],
      [303, "GET", ""],
      [307, "POST", "payload"],
      [308, "POST", "payload"],
    ] as const
  ) {
    it(`follows ${status}: redirect event (status, method, url, headers), then the response`, async () => {
      const request = post(`${server.origin}/redirect/${status}?to=/echo`);
      const redirects: unknown[][] = [];
      request.on("redirect", (...args: unknown[]) => redirects.push(args));
      const seen = record(request);
      request.end("payload");
      await seen.closed;
      assert.deepEqual(seen.events, [
        "finish",
        "redirect",
        "response",
        "response:end",
        "response:close",
        "close",
      ]);
      const [code, newMethod, url, headers] = redirects[0];
      assert.equal(code, status);
      assert.equal(newMethod, method);
      assert.equal(url, `${server.origin}/echo`);
      assert.deepEqual((headers as Record<string, string[]>).location, ["/echo"]);
      const echo = JSON.parse(seen.body());
      assert.equal(echo.method, method);
      assert.equal(echo.body, body);
    });
  }

  it("follows 20 redirects and fails the 21st with net::ERR_TOO_MANY_REDIRECTS", async () => {
    const ok = net.request({ url: `${server.origin}/chain/20`, session: freshSession("chain") });
    const okSeen = record(ok);
    ok.end();
    await okSeen.closed;
    assert.equal(okSeen.body(), "done");
    assert.equal(okSeen.events.filter((e) => e === "redirect").length, 20);

    const loop = net.request({ url: `${server.origin}/loop`, session: freshSession("loop") });
    const seen = record(loop);
    loop.end();
    await seen.closed;
    assert.deepEqual(seen.events.slice(-2), ["error", "close"]);
    assert.equal(seen.events.filter((e) => e === "error").length, 1);
    assert.equal((seen.errors[0] as { code: string }).code, "net::ERR_TOO_MANY_REDIRECTS");
  });

  it("response.urlList: the URLs traversed, one without a redirect", async () => {
    const chain = net.request({ url: `${server.origin}/chain/2`, session: freshSession("list") });
    const seen = record(chain);
    chain.end();
    await seen.closed;
    assert.deepEqual(seen.response()!.urlList, [
      `${server.origin}/chain/2`,
      `${server.origin}/chain/1`,
      `${server.origin}/chain/0`,
    ]);

    const direct = net.request({ url: `${server.origin}/hello`, session: freshSession("list") });
    const directSeen = record(direct);
    direct.end();
    await directSeen.closed;
    assert.deepEqual(directSeen.response()!.urlList, [`${server.origin}/hello`]);
  });

  it("manual: followRedirect() inside the event follows", async () => {
    const request = post(`${server.origin}/redirect/307?to=/echo`, "manual");
    request.on("redirect", () => request.followRedirect());
    const seen = record(request);
    request.end("payload");
    await seen.closed;
    assert.equal(JSON.parse(seen.body()).body, "payload");
    assert.deepEqual(seen.events.slice(0, 3), ["finish", "redirect", "response"]);
  });

  it("manual: without followRedirect() the redirect is cancelled (error, then close)", async () => {
    const request = post(`${server.origin}/redirect/302?to=/echo`, "manual");
    let later: (() => void) | null = null;
    request.on("redirect", () => (later = () => request.followRedirect()));
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events, ["finish", "redirect", "error", "close"]);
    assert.match(String(seen.errors[0]), /Redirect was cancelled/);
    assert.throws(() => later!(), /not waiting for a redirect/);
  });

  it("error: a redirect fails the request without a redirect event", async () => {
    const request = post(`${server.origin}/redirect/301?to=/echo`, "error");
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events, ["finish", "error", "close"]);
  });

  it("follow: followRedirect() is allowed in the event and does nothing more", async () => {
    const request = net.request({
      url: `${server.origin}/redirect/302?to=/hello`,
      session: freshSession("follow"),
    });
    request.on("redirect", () => request.followRedirect());
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.body(), "hello");
    assert.throws(() => request.followRedirect(), /not waiting/);
  });

  it("a chunked body cannot be replayed on 307: one error, then close", async () => {
    const request = post(`${server.origin}/redirect/307?to=/echo`);
    request.chunkedEncoding = true;
    const seen = record(request);
    request.write("part");
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events.slice(-2), ["error", "close"]);
    assert.equal(seen.events.filter((e) => e === "error").length, 1);
  });
});

describe("ClientRequest: redirects by webRequest taps", () => {
  it("a beforeRequest redirect is a 307 redirect event; manual mode needs followRedirect()", async () => {
    const ses = freshSession("internal");
    ses.pipeline.tap("beforeRequest", (req) => {
      if (req.url.endsWith("/old")) return { redirectUrl: `${server.origin}/hello` };
    }, { plugin: "test" });
    const follow = net.request({ url: `${server.origin}/old`, session: ses });
    const redirects: unknown[][] = [];
    follow.on("redirect", (...args: unknown[]) => redirects.push(args));
    const seen = record(follow);
    follow.end();
    await seen.closed;
    assert.equal(seen.body(), "hello");
    assert.equal(redirects[0][0], 307);
    assert.equal(redirects[0][2], `${server.origin}/hello`);
    assert.deepEqual((redirects[0][3] as Record<string, string[]>)["non-authoritative-reason"], [
      "WebRequest API",
    ]);

    const manual = net.request({ url: `${server.origin}/old`, session: ses, redirect: "manual" });
    const manualSeen = record(manual);
    manual.end();
    assert.deepEqual(manualSeen.events, [], "no event fires inside end()");
    await manualSeen.closed;
    assert.deepEqual(manualSeen.events, ["finish", "redirect", "error", "close"]);
  });
});
