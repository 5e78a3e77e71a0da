import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../../_serve.ts";
import {
  callChrome,
  closeSessions,
  echoed,
  echoServer,
  fixture,
  freshSession,
  until,
} from "./_helpers.ts";

let server: TestServer;
before(async () => {
  server = await echoServer();
});
after(async () => {
  await closeSessions();
  await server.close();
});

function once(emitter: { once(name: string, fn: () => void): unknown }, name: string) {
  return new Promise<void>((resolve) => emitter.once(name, () => resolve()));
}

describe("service worker lifetime", () => {
  it("stops an idle MV3 service worker and starts it again for the next event, losing none", async () => {
    const { ses, errors } = await freshSession();
    assert.equal(ses.extensions.getServiceWorkerIdleTimeout(), 30_000);
    ses.extensions.setServiceWorkerIdleTimeout(1500);
    const stopped = once(ses.extensions, "background-stopped");
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    assert.equal(ses.extensions.isBackgroundRunning(ext.id), true);
    assert.equal((await echoed(ses, `${server.url}/before`)).headers["x-extension"], ext.id);
    await stopped;
    assert.equal(ses.extensions.isBackgroundRunning(ext.id), false);
    // the request arrives while the Worker is stopped: it waits for the restart and is blocked
    const started = once(ses.extensions, "background-started");
    await assert.rejects(ses.fetch(`${server.url}/blocked`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    await started;
    // a fresh Worker: its memory starts empty
    assert.deepEqual(await ses.extensions.sendMessage(ext.id, "seen"), [`${server.url}/blocked`]);
    assert.equal((await echoed(ses, `${server.url}/after`)).headers["x-extension"], ext.id);
    assert.deepEqual(errors, []);
  });

  it("wakes a stopped service worker for its alarms and for session messages", async () => {
    const { ses } = await freshSession();
    ses.extensions.setServiceWorkerIdleTimeout(300);
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const messages: unknown[] = [];
    ses.extensions.on("runtime-message", (_e, message, _sender, respond) => {
      messages.push(message);
      (respond as () => void)();
    });
    await callChrome(ses, ext.id, "alarms.create", "later", { delayInMinutes: 0.04 });
    await until(() => !ses.extensions.isBackgroundRunning(ext.id));
    await until(() => messages.length > 0, 10_000);
    assert.deepEqual(messages, [{ alarm: "later" }]);
    await until(() => !ses.extensions.isBackgroundRunning(ext.id));
    assert.deepEqual(await callChrome(ses, ext.id, "alarms.getAll"), []);
  });

  it("never stops MV2 background scripts; 0 turns idle termination off", async () => {
    const { ses } = await freshSession();
    ses.extensions.setServiceWorkerIdleTimeout(100);
    const mv2 = await ses.loadExtension(fixture("mv2_scripts"));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(ses.extensions.isBackgroundRunning(mv2.id), true);
    ses.extensions.setServiceWorkerIdleTimeout(0);
    const mv3 = await ses.loadExtension(fixture("mv3_listener"));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(ses.extensions.isBackgroundRunning(mv3.id), true);
    assert.throws(() => ses.extensions.setServiceWorkerIdleTimeout(-1), { name: "TypeError" });
  });
});
