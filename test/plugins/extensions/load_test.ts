import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { NetError } from "../../../mod.ts";
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

describe("loading extensions", () => {
  it("loads, lists, gets and removes, with Electron's events on the session and ses.extensions", async () => {
    const { ses, errors } = await freshSession();
    const events: string[] = [];
    for (const name of ["extension-loaded", "extension-ready", "extension-unloaded"]) {
      ses.on(name, (_e, ext) => events.push(`ses ${name} ${(ext as { name: string }).name}`));
      ses.extensions.on(
        name,
        (_e, ext) => events.push(`ext ${name} ${(ext as { name: string }).name}`),
      );
    }
    const ext = await ses.loadExtension(fixture("mv3_listener"), { allowFileAccess: false });
    const path = realpathSync(fixture("mv3_listener"));
    assert.equal(ext.name, "Listener test");
    assert.equal(ext.version, "1.2.3");
    assert.equal(ext.path, path);
    assert.match(ext.id, /^[a-p]{32}$/);
    assert.equal(ext.url, `chrome-extension://${ext.id}/`);
    assert.equal(ext.manifest.manifest_version, 3);
    assert.deepEqual(ses.getExtension(ext.id), ext);
    assert.deepEqual(ses.extensions.getExtension(ext.id), ext);
    assert.deepEqual(ses.getAllExtensions().map((e) => e.id), [ext.id]);
    assert.equal(ses.getExtension("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), null);
    // the background runs: its listener adds a header
    assert.equal((await echoed(ses, `${server.url}/a`)).headers["x-extension"], ext.id);
    // chrome.runtime inside the background
    assert.equal(await callChrome(ses, ext.id, "runtime.getURL", "/x.html"), `${ext.url}x.html`);
    assert.equal(
      ((await callChrome(ses, ext.id, "runtime.getManifest")) as { name: string }).name,
      "Listener test",
    );
    ses.extensions.removeExtension(ext.id);
    assert.equal(ses.getExtension(ext.id), null);
    await until(() => events.some((e) => e.startsWith("ses extension-unloaded")));
    assert.deepEqual(events, [
      "ext extension-loaded Listener test",
      "ses extension-loaded Listener test",
      "ext extension-ready Listener test",
      "ses extension-ready Listener test",
      "ext extension-unloaded Listener test",
      "ses extension-unloaded Listener test",
    ]);
    // its listeners are gone with it
    assert.equal((await echoed(ses, `${server.url}/b`)).headers["x-extension"], undefined);
    assert.deepEqual(errors, []);
  });

  it("keeps the id of a path across sessions, and loading it again replaces it", async () => {
    const a = await freshSession();
    const b = await freshSession();
    const one = await a.ses.loadExtension(fixture("mv3_listener"));
    const two = await b.ses.loadExtension(fixture("mv3_listener"));
    assert.equal(one.id, two.id);
    const unloaded: string[] = [];
    a.ses.on("extension-unloaded", (_e, ext) => unloaded.push((ext as { id: string }).id));
    const again = await a.ses.loadExtension(fixture("mv3_listener"));
    assert.equal(again.id, one.id);
    assert.deepEqual(unloaded, [one.id]);
    assert.equal(a.ses.getAllExtensions().length, 1);
    // one header, not two: the first copy's listeners are gone
    const seen = await echoed(a.ses, `${server.url}/c`);
    assert.equal(seen.headers["x-extension"], one.id);
  });

  it("uses the manifest key for the id and runs an extension without background", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("keyed"));
    assert.equal(ext.id, "ajgipoffeaaceelbnjbfhngkadfidmao");
    assert.equal(ext.version, "2.0.0.1");
  });

  it("rejects a bad manifest, a missing folder and bad arguments with what and where", async () => {
    const { ses } = await freshSession();
    await assert.rejects(ses.loadExtension(fixture("bad_manifest")), {
      name: "TypeError",
      message: `${
        realpathSync(fixture("bad_manifest"))
      }/manifest.json: version: must be 1 to 4 dot-separated integers between 0 and 65535`,
    });
    await assert.rejects(ses.loadExtension(fixture("does_not_exist")), {
      name: "TypeError",
      message: /^Loading extension at .*does_not_exist failed: /,
    });
    await assert.rejects(ses.loadExtension(""), { name: "TypeError" });
    await assert.rejects(ses.loadExtension(fixture("keyed"), null as never), { name: "TypeError" });
    assert.throws(() => ses.removeExtension(42 as never), { name: "TypeError" });
    assert.deepEqual(ses.getAllExtensions(), []);
  });

  it("reports a background that throws while starting, leaves nothing loaded, keeps serving", async () => {
    const { ses } = await freshSession();
    const events: string[] = [];
    ses.on("extension-unloaded", () => events.push("unloaded"));
    await assert.rejects(ses.loadExtension(fixture("throws")), {
      message: /Throws at start.*the background failed on purpose/,
    });
    assert.deepEqual(events, ["unloaded"]);
    assert.deepEqual(ses.getAllExtensions(), []);
    assert.equal((await echoed(ses, `${server.url}/still`)).path, "/still");
  });

  it("cuts off a blocking listener that hangs and reports it; the request goes on", async () => {
    const { ses, errors } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    ses.webRequest.setListenerTimeout(300);
    assert.equal((await echoed(ses, `${server.url}/hang`)).path, "/hang");
    assert.equal(errors.length, 1);
    assert.match(
      errors[0].message,
      new RegExp(`extension:${ext.id}.*did not answer within 300 ms`),
    );
    assert.ok(ses.getExtension(ext.id));
  });

  it("an extension hears only the requests its host permissions cover", async () => {
    const { ses, errors } = await freshSession();
    const ext = await ses.loadExtension(fixture("no_hosts"));
    // no_hosts cancels everything it sees, but only sees https://only.example: this passes
    assert.equal((await echoed(ses, `${server.url}/free`)).path, "/free");
    await assert.rejects(ses.fetch("https://only.example/x"), (error: unknown) => {
      assert.ok(error instanceof NetError);
      assert.equal(error.code, "net::ERR_BLOCKED_BY_CLIENT");
      return true;
    });
    assert.deepEqual(await ses.extensions.sendMessage(ext.id, "seen"), ["https://only.example/x"]);
    assert.deepEqual(errors, []);
  });
});

describe("the background's Worker", () => {
  it("reports a Worker that exits, unloads the extension, and keeps serving", async () => {
    const { ses, errors } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const unloaded = new Promise((r) => ses.once("extension-unloaded", (_e, x) => r(x)));
    ses.extensions.sendMessage(ext.id, "exit").catch(() => {});
    assert.deepEqual(await unloaded, ext);
    assert.equal(ses.getExtension(ext.id), null);
    assert.ok(
      errors.some((e) =>
        e.message.includes(ext.id) && /Worker (exited|stopped answering)/.test(e.message)
      ),
      errors.map((e) => e.message).join("\n"),
    );
    const seen = await echoed(ses, `${server.url}/after-crash`);
    assert.equal(seen.path, "/after-crash");
    assert.equal(seen.headers["x-extension"], undefined);
  });

  it("on Deno may reach only the hosts its host permissions name; Bun does not enforce it", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("no_hosts"));
    const answer = await ses.extensions.sendMessage(ext.id, {
      fetch: `${server.url}/from-worker`,
    }) as {
      status?: number;
      error?: string;
    };
    // deno-lint-ignore no-explicit-any
    if ((globalThis as any).Deno) assert.equal(answer.error, "NotCapable");
    else assert.equal(answer.status, 200);
  });

  it("may reach every host with <all_urls>", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("all_urls"));
    for (const url of [server.url, server.url.replace("127.0.0.1", "localhost")]) {
      assert.deepEqual(await ses.extensions.sendMessage(ext.id, { fetch: `${url}/x` }), {
        status: 200,
      });
    }
  });

  it("answers session messages and messages the session (runtime.sendMessage)", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const received: unknown[] = [];
    ses.extensions.on("runtime-message", (_e, message, sender, sendResponse) => {
      received.push({ message, sender });
      (sendResponse as (v: unknown) => void)("thanks");
    });
    // the fixture sends { pong } when storage.local's "ping" changes
    await callChrome(ses, ext.id, "storage.local.set", { ping: 7 });
    await until(() => received.length > 0);
    assert.deepEqual(received[0], { message: { pong: 7 }, sender: { id: ext.id, url: ext.url } });
    assert.equal(
      await callChrome(ses, ext.id, "runtime.sendMessage", { direct: true }),
      "thanks",
    );
    await assert.rejects(ses.extensions.sendMessage("nope", 1), /No extension with id nope/);
  });
});
