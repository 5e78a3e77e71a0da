import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net, NetError } from "../../../mod.ts";
import { freshSession, refusedPort, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

describe("net.fetch and ses.fetch", () => {
  it("net.fetch is Web fetch on the default session", async () => {
    const response = await net.fetch(`${server.origin}/hello`);
    assert.ok(response instanceof Response);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "hello");
  });

  it("ses.fetch sends bodies and follows redirects", async () => {
    const ses = freshSession("fetch");
    const response = await ses.fetch(`${server.origin}/redirect/307?to=/echo`, {
      method: "POST",
      body: new URLSearchParams({ a: "1", b: "two" }),
    });
    assert.equal(response.redirected, true);
    assert.equal(response.url, `${server.origin}/echo`);
    const echo = await response.json();
    assert.equal(echo.body, "a=1&b=two");
    assert.match(echo.headers["content-type"], /^application\/x-www-form-urlencoded/);
  });

  it("rejects with Chromium's codes", async () => {
    const port = await refusedPort();
    await assert.rejects(net.fetch(`http://127.0.0.1:${port}/`), (error: unknown) => {
      assert.ok(error instanceof NetError);
      assert.equal(error.code, "net::ERR_CONNECTION_REFUSED");
      return true;
    });
    await assert.rejects(
      freshSession("loop").fetch(`${server.origin}/loop`),
      (error: NetError) => error.code === "net::ERR_TOO_MANY_REDIRECTS",
    );
  });

  it("net.isOnline() and net.online say the machine is online", () => {
    assert.equal(typeof net.isOnline(), "boolean");
    assert.equal(net.online, net.isOnline());
  });
});
