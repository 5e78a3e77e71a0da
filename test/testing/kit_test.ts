import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { definePlugin, NetError } from "../../mod.ts";
import { nextEvent, originServer, testSession } from "../../testing/mod.ts";

const stamp = definePlugin({
  manifest: { name: "stamp", version: "1.0.0", hooks: ["beforeSendHeaders", "beforeRequest"] },
  setup(ctx) {
    ctx.tap(
      "beforeRequest",
      (request) => request.urlParts.path.startsWith("/blocked") ? { cancel: true } : undefined,
    );
    ctx.tap("beforeSendHeaders", (request) => {
      const headers = new Headers(request.headers);
      headers.set("x-stamp", "yes");
      return { requestHeaders: headers };
    });
  },
});

describe("websession/testing", () => {
  it("originServer records method, path, headers and body, and the handler still reads the body", async () => {
    const origin = await originServer(async (request) =>
      new Response(`echo:${await request.text()}`)
    );
    try {
      const response = await fetch(`${origin.url}/p?q=1`, {
        method: "POST",
        body: "hello",
        headers: { "x-a": "b" },
      });
      assert.equal(await response.text(), "echo:hello");
      const got = origin.last();
      assert.equal(got.method, "POST");
      assert.equal(got.path, "/p?q=1");
      assert.equal(got.headers["x-a"], "b");
      assert.equal(got.body, "hello");
      assert.equal(origin.requests.length, 1);
    } finally {
      await origin.close();
    }
  });

  it("originServer.last() says so when nothing arrived; a non-function handler is a TypeError", async () => {
    const origin = await originServer();
    try {
      assert.throws(() => origin.last(), /received no request/);
    } finally {
      await origin.close();
    }
    await assert.rejects(originServer("nope" as never), TypeError);
  });

  it("testSession has only the plugins under test and logs headers, outcome and decisions", async () => {
    const origin = await originServer();
    const { ses, log, close } = testSession([stamp]);
    try {
      assert.deepEqual(
        ses.plugins.list().map((p) => p.name).sort(),
        ["stamp", "testing-request-log"],
      );
      const response = await ses.fetch(`${origin.url}/ok`);
      assert.equal(response.status, 200);
      assert.equal(origin.last().headers["x-stamp"], "yes");
      const entry = log.last();
      assert.equal(entry.status, 200);
      assert.equal(entry.completed, false);
      await response.text();
      assert.equal(entry.completed, true);
      assert.equal(entry.requestHeaders["x-stamp"], "yes");
      assert.deepEqual(
        entry.decisions.filter((d) => d.plugin === "stamp").map((d) => d.stage),
        ["beforeSendHeaders"],
      );
      await assert.rejects(ses.fetch(`${origin.url}/blocked/x`), (error: unknown) => {
        assert.ok(error instanceof NetError);
        assert.equal(error.code, "net::ERR_BLOCKED_BY_CLIENT");
        return true;
      });
      const blocked = log.to(`${origin.url}/blocked`);
      assert.equal(blocked.length, 1);
      assert.equal(blocked[0].error, "net::ERR_BLOCKED_BY_CLIENT");
      assert.deepEqual(log.decisionsOf("stamp", "beforeRequest").map((d) => d.applied), [true]);
      assert.deepEqual(origin.requests.map((r) => r.path), ["/ok"]);
      log.clear();
      assert.equal(log.all.length, 0);
      assert.throws(() => log.last(), /made no request/);
    } finally {
      await close();
      await origin.close();
    }
  });

  it("testSession adds the chosen preset plugins, and refuses a non-array", async () => {
    const { cookiesPlugin } = await import("../../entries/cookies.ts");
    const origin = await originServer(() =>
      new Response("set", { headers: { "set-cookie": "sid=1; Path=/" } })
    );
    const { ses, close } = testSession([stamp], { preset: [cookiesPlugin] });
    try {
      const changed = nextEvent(ses.cookies, "changed");
      await (await ses.fetch(`${origin.url}/login`)).text();
      const [, cookie] = await changed;
      assert.equal((cookie as { name: string }).name, "sid");
      await (await ses.fetch(`${origin.url}/next`)).text();
      assert.equal(origin.last().headers.cookie, "sid=1");
    } finally {
      await close();
      await origin.close();
    }
    assert.throws(() => testSession("stamp" as never), TypeError);
  });

  it("nextEvent rejects after its deadline naming the event", async () => {
    const { ses, close } = testSession([]);
    try {
      await assert.rejects(
        nextEvent(ses, "never-emitted", { timeoutMs: 50 }),
        /no "never-emitted" event within 50 ms/,
      );
    } finally {
      await close();
    }
  });
});
