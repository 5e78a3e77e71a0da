/** Taps of order `settled`: run once a blocking stage's answers are merged and applied. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError, type Session, session } from "../../mod.ts";
import { serve, type TestServer } from "../_serve.ts";

let server: TestServer;
let count = 0;
const open: Session[] = [];

before(async () => {
  server = await serve((request) =>
    Response.json(Object.fromEntries(request.headers), { headers: { "x-origin": "server" } })
  );
});
after(async () => {
  for (const ses of open.splice(0)) await session.closePartition(ses.partition);
  await server.close();
});

function fresh(): Session {
  const ses = session.fromPartition(`settled-taps-${++count}`, { preset: false, plugins: [] });
  open.push(ses);
  return ses;
}

describe("settled taps", () => {
  it("see the response and the request headers as the answers left them", async () => {
    const ses = fresh();
    const seen: string[] = [];
    ses.pipeline.tap("headersReceived", (_request, response) => {
      seen.push(`response ${response.headers.get("x-origin")}`);
    }, { plugin: "watcher", order: "settled" });
    ses.pipeline.tap("beforeSendHeaders", (request) => {
      seen.push(`request ${request.headers.get("x-added")}`);
    }, { plugin: "watcher", order: "settled" });
    ses.pipeline.tap("headersReceived", () => ({ responseHeaders: { "x-origin": "tap" } }), {
      plugin: "rewriter",
    });
    ses.pipeline.tap("beforeSendHeaders", () => ({ requestHeaders: { "x-added": "1" } }), {
      plugin: "rewriter",
    });
    const response = await ses.fetch(server.url);
    assert.equal((await response.json())["x-added"], "1");
    assert.deepEqual(seen, ["request 1", "response tap"]);
  });

  it("answer nothing the merge takes, and do not run when the stage cancels", async () => {
    const ses = fresh();
    let calls = 0;
    ses.pipeline.tap("headersReceived", () => {
      calls++;
      return { cancel: true };
    }, { plugin: "watcher", order: "settled" });
    const passed = await ses.fetch(server.url);
    assert.equal(passed.status, 200);
    await passed.arrayBuffer();
    assert.equal(calls, 1);
    ses.pipeline.tap("headersReceived", () => ({ cancel: true }), { plugin: "blocker" });
    await assert.rejects(
      ses.fetch(server.url),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_BLOCKED_BY_CLIENT",
    );
    assert.equal(calls, 1);
  });

  it("are refused on a stage that is not blocking, naming the plugin and the stage", () => {
    const ses = fresh();
    assert.throws(
      () => ses.pipeline.tap("completed", () => {}, { plugin: "watcher", order: "settled" }),
      {
        name: "TypeError",
        message:
          'The tap order "settled" of watcher is for blocking stages; "completed" is observe',
      },
    );
  });
});
