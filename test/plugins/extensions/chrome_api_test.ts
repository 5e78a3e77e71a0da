import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { configure, session } from "../../../mod.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { extensionsPlugin } from "../../../presets/default.ts";
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
let proxy: Server;
let proxyPort: number;
let root: string | null = mkdtempSync(`${tmpdir()}/websession-extensions-api-`);
try {
  configure({ storagePath: root });
} catch {
  rmSync(root, { recursive: true, force: true });
  root = null;
}
before(async () => {
  server = await echoServer();
  // a forward proxy that answers itself: it shows which requests were sent through it
  proxy = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ via: "proxy", target: req.url }));
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
  proxyPort = (proxy.address() as { port: number }).port;
});
after(async () => {
  await closeSessions();
  await server.close();
  await new Promise<void>((r) => proxy.close(() => r()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("chrome.storage", () => {
  it("keeps storage.local in the partition's store and storage.session in memory", async () => {
    const partition = `persist:extensions-storage-${Date.now()}`;
    let { ses } = await freshSession(partition);
    let ext = await ses.loadExtension(fixture("mv3_listener"));
    // runtime.onInstalled ran at the first load
    await until(async () =>
      ((await callChrome(ses, ext.id, "storage.local.get", "installReason")) as {
        installReason?: string;
      }).installReason === "install"
    );
    await callChrome(ses, ext.id, "storage.local.set", { a: 1, b: { deep: [1, 2] }, c: "x" });
    await callChrome(ses, ext.id, "storage.local.remove", "c");
    assert.deepEqual(await callChrome(ses, ext.id, "storage.local.get", ["a", "b", "c"]), {
      a: 1,
      b: { deep: [1, 2] },
    });
    assert.deepEqual(await callChrome(ses, ext.id, "storage.local.get", { a: 0, z: "default" }), {
      a: 1,
      z: "default",
    });
    assert.equal(await callChrome(ses, ext.id, "storage.local.getBytesInUse", "a"), 2);
    await callChrome(ses, ext.id, "storage.session.set", { temp: true });
    await assert.rejects(
      callChrome(ses, ext.id, "storage.local.get", 42),
      /^Error: Error in invocation of storage.get\(optional \[string\|array\|object\] keys, optional function callback\): No matching signature\.$/,
    );
    await session.closePartition(partition);

    ({ ses } = await freshSession(partition));
    ext = await ses.loadExtension(fixture("mv3_listener"));
    const local = await callChrome(ses, ext.id, "storage.local.get", null);
    assert.deepEqual(local, {
      a: 1,
      b: { deep: [1, 2] },
      installReason: "install",
      previousVersion: null,
    });
    // the second start of the same version fires onStartup, not onInstalled
    await until(async () =>
      ((await callChrome(ses, ext.id, "storage.session.get", "startedUp")) as {
        startedUp?: boolean;
      }).startedUp
    );
    assert.deepEqual(await callChrome(ses, ext.id, "storage.session.get", "temp"), {});
  });

  it("tells the background about changes (storage.onChanged with old and new values)", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const messages: unknown[] = [];
    ses.extensions.on("runtime-message", (_e, message, _sender, respond) => {
      messages.push(message);
      (respond as () => void)();
    });
    await callChrome(ses, ext.id, "storage.local.set", { ping: 1 });
    await callChrome(ses, ext.id, "storage.local.set", { ping: 1 }); // no change, no event
    await callChrome(ses, ext.id, "storage.local.set", { ping: 2 });
    await until(() => messages.length >= 2);
    assert.deepEqual(messages, [{ pong: 1 }, { pong: 2 }]);
  });
});

describe("runtime.onInstalled", () => {
  it("says update, with the previous version, when a new version is loaded", async () => {
    const dir = mkdtempSync(`${tmpdir()}/websession-update-`);
    cpSync(fixture("mv3_listener"), dir, { recursive: true });
    const partition = `persist:extensions-update-${Date.now()}`;
    try {
      let { ses } = await freshSession(partition);
      let ext = await ses.loadExtension(dir);
      const reason = async () =>
        await callChrome(ses, ext.id, "storage.local.get", ["installReason", "previousVersion"]);
      await until(async () => ((await reason()) as { installReason?: string }).installReason);
      assert.deepEqual(await reason(), { installReason: "install", previousVersion: null });
      await session.closePartition(partition);
      const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, "utf8"));
      writeFileSync(`${dir}/manifest.json`, JSON.stringify({ ...manifest, version: "2.0" }));
      ({ ses } = await freshSession(partition));
      ext = await ses.loadExtension(dir);
      assert.equal(ext.version, "2.0");
      await until(async () =>
        ((await reason()) as { installReason?: string }).installReason === "update"
      );
      assert.deepEqual(await reason(), { installReason: "update", previousVersion: "1.2.3" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("chrome.cookies, chrome.proxy and the rest", () => {
  it("reads and writes the session's cookies within its host permissions (callback form)", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv2_scripts"));
    const set = await callChrome(ses, ext.id, "cookies.set", {
      url: server.url,
      name: "from-extension",
      value: "1",
    }) as { name: string; storeId: string; hostOnly: boolean };
    assert.equal(set.name, "from-extension");
    assert.equal(set.storeId, "0");
    assert.equal((await echoed(ses, `${server.url}/c`)).headers.cookie, "from-extension=1");
    await ses.cookies.set({ url: "http://elsewhere.test/", name: "hidden", value: "2" });
    const all = await callChrome(ses, ext.id, "cookies.getAll", {}) as Array<{ name: string }>;
    assert.deepEqual(all.map((c) => c.name), ["from-extension"]);
    await assert.rejects(
      callChrome(ses, ext.id, "cookies.get", { url: "http://elsewhere.test/", name: "hidden" }),
      { message: 'No host permissions for cookies at url: "http://elsewhere.test/".' },
    );
    await callChrome(ses, ext.id, "cookies.remove", { url: server.url, name: "from-extension" });
    assert.equal(
      await callChrome(ses, ext.id, "cookies.get", { url: server.url, name: "from-extension" }),
      null,
    );
    const events = await until(async () => {
      const e = await ses.extensions.sendMessage(ext.id, "cookieEvents") as unknown[];
      return e.length >= 2 ? e : null;
    });
    assert.deepEqual(events, [
      { name: "from-extension", removed: false, cause: "explicit" },
      { name: "from-extension", removed: true, cause: "explicit" },
    ]);
  });

  it("sets the session's proxy through chrome.proxy.settings and undoes it when unloaded", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv2_scripts"));
    await callChrome(ses, ext.id, "proxy.settings.set", {
      value: {
        mode: "fixed_servers",
        rules: {
          singleProxy: { scheme: "http", host: "127.0.0.1", port: proxyPort },
          bypassList: ["skip.test"],
        },
      },
      scope: "regular",
    });
    assert.equal(await ses.resolveProxy("http://example.test/"), `PROXY 127.0.0.1:${proxyPort}`);
    assert.equal(await ses.resolveProxy("http://skip.test/"), "DIRECT");
    const response = await ses.fetch("http://example.test/through");
    assert.deepEqual(await response.json(), {
      via: "proxy",
      target: "http://example.test/through",
    });
    const got = await callChrome(ses, ext.id, "proxy.settings.get", {}) as {
      levelOfControl: string;
    };
    assert.equal(got.levelOfControl, "controlled_by_this_extension");
    const unloaded = new Promise((r) => ses.once("extension-unloaded", r));
    ses.removeExtension(ext.id);
    await unloaded;
    assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
  });

  it("answers with a clear error where the session lacks the plugin behind a namespace", async () => {
    const partition = `extensions-without-cookies-${Date.now()}`;
    const ses = session.fromPartition(partition, {
      preset: false,
      plugins: [webRequestPlugin, extensionsPlugin],
    });
    try {
      const ext = await ses.loadExtension(fixture("mv2_scripts"));
      await assert.rejects(
        ses.extensions.sendMessage(ext.id, { call: "cookies.getAll", args: [{}] }).then((a) => {
          const answer = a as { error?: string };
          if (answer.error) throw new Error(answer.error);
        }),
        { message: "This session has no cookies plugin" },
      );
      const proxy = await ses.extensions.sendMessage(ext.id, {
        call: "proxy.settings.set",
        args: [{ value: { mode: "direct" } }],
      });
      assert.deepEqual(proxy, { error: "This session has no proxy plugin" });
    } finally {
      await session.closePartition(partition);
    }
  });

  it("runs alarms, answers permissions, and has no tabs", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const messages: unknown[] = [];
    ses.extensions.on("runtime-message", (_e, message, _sender, respond) => {
      messages.push(message);
      (respond as () => void)();
    });
    // far enough ahead that a loaded machine still lists it before it fires
    await callChrome(ses, ext.id, "alarms.create", "soon", { when: Date.now() + 1000 });
    assert.equal(
      ((await callChrome(ses, ext.id, "alarms.getAll")) as Array<{ name: string }>)[0].name,
      "soon",
    );
    await until(() => messages.length > 0);
    assert.deepEqual(messages, [{ alarm: "soon" }]);
    assert.deepEqual(await callChrome(ses, ext.id, "alarms.getAll"), []);
    assert.deepEqual(await callChrome(ses, ext.id, "permissions.getAll"), {
      permissions: ["webRequest", "webRequestBlocking", "storage", "alarms"],
      origins: ["http://127.0.0.1/*"],
    });
    assert.equal(
      await callChrome(ses, ext.id, "permissions.contains", { permissions: ["storage"] }),
      true,
    );
    assert.equal(
      await callChrome(ses, ext.id, "permissions.contains", { permissions: ["cookies"] }),
      false,
    );
    // a background has no user gesture: Chromium 156 refuses the request
    await assert.rejects(
      callChrome(ses, ext.id, "permissions.request", { permissions: ["cookies"] }),
      { message: "This function must be called during a user gesture" },
    );
    assert.deepEqual(await callChrome(ses, ext.id, "tabs.query", {}), []);
    await assert.rejects(callChrome(ses, ext.id, "tabs.get", 3), { message: "No tab with id: 3." });
  });
});
