import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { closedPort, serve, type TestServer } from "../../_serve.ts";
import { closeSessions, echoed, echoServer, fixture, freshSession, until } from "./_helpers.ts";

let server: TestServer;
before(async () => {
  server = await echoServer();
});
after(async () => {
  await closeSessions();
  await server.close();
});

describe("chrome.webRequest in an extension's background", () => {
  it("cancels, redirects and changes request headers through real requests", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    await assert.rejects(ses.fetch(`${server.url}/blocked`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    const moved = await echoed(ses, `${server.url}/old`);
    assert.equal(moved.path, "/new");
    assert.equal(moved.headers["x-extension"], ext.id);
    const seen = await ses.extensions.sendMessage(ext.id, "seen") as string[];
    assert.deepEqual(seen, [`${server.url}/blocked`, `${server.url}/old`, `${server.url}/new`]);
  });

  it("runs MV2 background scripts as classic scripts sharing one global scope", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv2_scripts"));
    const response = await ses.fetch(`${server.url}/mv2`);
    assert.equal(response.headers.get("x-mv2-background"), ext.id);
    await response.body?.cancel();
  });

  it("observers see events but cannot block; blocking needs webRequestBlocking", async () => {
    const { ses, errors } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_observer"));
    assert.equal((await echoed(ses, `${server.url}/seen`)).path, "/seen");
    await assert.rejects(ses.fetch(`http://127.0.0.1:${await closedPort()}/refused`));
    const report = await until(async () => {
      const r = await ses.extensions.sendMessage(ext.id, "report") as { events: string[] };
      return r.events.length >= 4 ? r : null;
    }) as {
      events: string[];
      blockingError: string | null;
      hasBlocker: boolean;
      hasStorage: string;
      hasCookies: string;
      tabs: string;
    };
    assert.deepEqual(report.events, [
      "before /seen",
      "completed /seen 200",
      "before /refused",
      "error /refused net::ERR_CONNECTION_REFUSED",
    ]);
    // Chromium 156: addListener does not throw and the listener is there, but never called; the
    // refusal is the extension's unchecked lastError
    assert.equal(report.blockingError, null);
    assert.equal(report.hasBlocker, true);
    assert.equal(errors.length, 1);
    assert.ok(
      errors[0].message.endsWith(
        `Extension ${ext.id} (Observer): Unchecked runtime.lastError: You do not have permission ` +
          "to use blocking webRequest listeners. Be sure to declare the webRequestBlocking " +
          "permission in your manifest.",
      ),
      errors[0].message,
    );
    // namespaces exist only with their permission, as in Chrome; tabs always
    assert.equal(report.hasStorage, "undefined");
    assert.equal(report.hasCookies, "undefined");
    assert.equal(report.tabs, "function");
  });

  it("takes part in the session's conflict rules: explain and onActionIgnored name the extension", async () => {
    const { ses } = await freshSession();
    // the app's listener first, then the extension's: the most recent redirect wins
    ses.webRequest.onBeforeRequest({ urls: [`${server.url}/old`] }, (_details, callback) => {
      callback?.({ redirectURL: `${server.url}/app` });
    });
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const ignored: Array<{ label: string; winner: string | null }> = [];
    ses.webRequest.onActionIgnored((details) => ignored.push(details));
    const requestIds: number[] = [];
    ses.webRequest.onCompleted((details) => requestIds.push(Number(details.id)));
    assert.equal((await echoed(ses, `${server.url}/old`)).path, "/new");
    const label = `extension:${ext.id}.events.onBeforeRequest#`;
    assert.equal(ignored.length, 1);
    assert.match(ignored[0].label, /^app\.onBeforeRequest#/);
    assert.ok(ignored[0].winner?.includes(label), String(ignored[0].winner));
    await until(() => requestIds.length > 0);
    const explanation = ses.webRequest.explain(requestIds[0]);
    assert.ok(
      JSON.stringify(explanation).includes(label),
      JSON.stringify(explanation).slice(0, 400),
    );
  });

  it("hears chrome.webRequest.onActionIgnored when its redirect loses to a later listener", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    // installed after the extension's listener: this redirect wins, the extension's is ignored
    ses.webRequest.onBeforeRequest({ urls: [`${server.url}/old`] }, (_details, callback) => {
      callback?.({ redirectURL: `${server.url}/app` });
    });
    assert.equal((await echoed(ses, `${server.url}/old`)).path, "/app");
    const ignored = await until(async () => {
      const list = await ses.extensions.sendMessage(ext.id, "ignored") as Array<
        { requestId: unknown; action: string }
      >;
      return list.length > 0 ? list : null;
    });
    assert.deepEqual(ignored!.map((d) => d.action), ["redirect"]);
    assert.equal(typeof ignored![0].requestId, "string");
    // only its own ignored actions: the app's listener won, and the extension hears nothing more
    assert.equal((await echoed(ses, `${server.url}/seen-once`)).path, "/seen-once");
    assert.equal((await ses.extensions.sendMessage(ext.id, "ignored") as unknown[]).length, 1);
  });

  it("answers onAuthRequired with webRequestAuthProvider alone (MV3), as Chrome 108+", async () => {
    const auth = await serve((request) =>
      request.headers.get("authorization") === `Basic ${btoa("user:pass")}`
        ? new Response("welcome")
        : new Response("no", {
          status: 401,
          headers: { "www-authenticate": 'Basic realm="extension-test"' },
        })
    );
    try {
      const { ses, errors } = await freshSession();
      const ext = await ses.loadExtension(fixture("mv3_auth_provider"));
      const response = await ses.fetch(`${auth.url}/private`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "welcome");
      const report = await ses.extensions.sendMessage(ext.id, "report") as {
        realms: string[];
        blockingError: string | null;
      };
      assert.deepEqual(report.realms, ["extension-test"]);
      // other blocking listeners still need webRequestBlocking: refused, as an unchecked lastError
      assert.equal(report.blockingError, null);
      assert.equal(errors.length, 1);
      assert.match(
        errors[0].message,
        /\(Auth provider test\): Unchecked runtime\.lastError: You do not have permission to use blocking/,
      );
    } finally {
      await auth.close();
    }
  });
});
