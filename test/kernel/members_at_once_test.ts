import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import {
  configure,
  definePlugin,
  MissingPluginError,
  type NetError,
  type Session,
  session,
} from "../../mod.ts";
import { serve, type TestServer } from "../_serve.ts";

try {
  configure({ storagePath: `${tmpdir()}/websession-members-${Date.now()}-${Math.random()}` });
} catch {
  // Another test file configured a storage root already; any root does.
}

const opened: string[] = [];
after(async () => {
  for (const partition of opened) await session.closePartition(partition);
});

function echo(): Promise<TestServer> {
  return serve((request) =>
    Response.json({
      cookie: request.headers.get("cookie"),
      stamp: request.headers.get("x-stamp"),
      path: new URL(request.url).pathname,
    }, { headers: { "set-cookie": "from=server; Path=/" } })
  );
}

describe("members of the preset, right after fromPartition", () => {
  it("are usable synchronously, and the first request honours them", async () => {
    const server = await echo();
    try {
      const partition = `persist:at-once-${Date.now()}`;
      opened.push(partition);
      const ses = session.fromPartition(partition);
      // No await between fromPartition and the members: Electron code never awaits.
      ses.webRequest.onBeforeSendHeaders((details, callback) => {
        callback?.({ requestHeaders: { ...details.requestHeaders, "x-stamp": "on" } });
      });
      const set = ses.cookies.set({ url: server.url, name: "early", value: "1" });
      const proxied = ses.setProxy({ mode: "direct" });
      ses.protocol.handle("app", () => new Response("app answered"));
      const rules = ses.declarativeNetRequest.updateSessionRules({
        addRules: [{ id: 1, condition: { urlFilter: "/blocked" }, action: { type: "block" } }],
      });
      const first = await (await ses.fetch(`${server.url}/first`)).json();
      await Promise.all([set, proxied, rules]);
      assert.equal(first.stamp, "on");
      assert.equal(first.cookie, "early=1");
      assert.equal(await (await ses.fetch("app://x/")).text(), "app answered");
      await assert.rejects(
        ses.fetch(`${server.url}/blocked`),
        (error: NetError) => error.code === "net::ERR_BLOCKED_BY_CLIENT",
      );
      const names = (await ses.cookies.get({})).map((c) => c.name).sort();
      assert.deepEqual(names, ["early", "from"]);
    } finally {
      await server.close();
    }
  });

  it("keeps cookies stored before a restart and set before the store opened", async () => {
    const partition = `persist:at-once-restart-${Date.now()}`;
    const first = session.fromPartition(partition);
    await first.cookies.set({
      url: "https://example.org/",
      name: "kept",
      value: "1",
      expirationDate: Date.now() / 1000 + 3600,
    });
    await session.closePartition(partition);
    const again = session.fromPartition(partition);
    opened.push(partition);
    // Set while the stored cookies are still loading; both are there afterwards.
    await again.cookies.set({
      url: "https://example.org/",
      name: "new",
      value: "2",
      expirationDate: Date.now() / 1000 + 3600,
    });
    const names = (await again.cookies.get({})).map((c) => c.name).sort();
    assert.deepEqual(names, ["kept", "new"]);
  });
});

describe("plugins given to fromPartition", () => {
  const stamp = definePlugin<{ stampValue: string }>({
    manifest: {
      name: "stamp",
      version: "1.0.0",
      hooks: ["beforeSendHeaders"],
      api: ["stampValue"],
    },
    setup(ctx) {
      ctx.provide({ stampValue: "v1" });
      ctx.tap("beforeSendHeaders", (request) => {
        request.headers.set("x-stamp", "plugin");
      });
    },
  });

  it("are added to the preset, typed with their members", async () => {
    const ses = session.fromPartition(`added-${Math.random()}`, { plugins: [stamp] });
    opened.push(ses.partition);
    assert.equal(ses.stampValue, "v1");
    assert.ok(ses.cookies, "the preset's members are still there");
    assert.deepEqual(
      ses.plugins.list().map((p) => p.name).sort(),
      [
        "cache",
        "cdp",
        "cookies",
        "downloads",
        "emulation",
        "extensions",
        "har",
        "hid",
        "host-resolver",
        "net-log",
        "permissions",
        "protocol",
        "proxy",
        "renderer",
        "serial",
        "shared-dictionary",
        "spellcheck",
        "stamp",
        "tls",
        "usb",
        "user-agent",
        "web-request",
      ],
    );
  });

  it("replace the preset's plugin of the same name, for that session only", async () => {
    const replacement = definePlugin<{ cookies: { kind: string } }>({
      manifest: { name: "cookies", version: "2.0.0", api: ["cookies"] },
      setup(ctx) {
        ctx.provide({ cookies: { kind: "replacement" } });
      },
    });
    const mine = session.fromPartition(`replaced-${Math.random()}`, { plugins: [replacement] });
    const other = session.fromPartition(`not-replaced-${Math.random()}`);
    opened.push(mine.partition, other.partition);
    assert.deepEqual(mine.cookies, { kind: "replacement" });
    assert.equal(typeof other.cookies.get, "function", "the other session keeps the jar");
    // A second plugin of another name for the same member in one session is refused.
    const rival = definePlugin<{ cookies: { kind: string } }>({
      manifest: { name: "rival-cookies", version: "1.0.0", api: ["cookies"] },
      setup(ctx) {
        ctx.provide({ cookies: { kind: "rival" } });
      },
    });
    const errors: unknown[] = [];
    const both = session.fromPartition(`rivals-${Math.random()}`, {
      preset: false,
      plugins: [replacement, rival],
    });
    opened.push(both.partition);
    both.on("hook-error", (_e, error) => errors.push(error));
    await both.ready;
    assert.match(String(errors[0]), /Plugins cookies and rival-cookies both add ses.cookies/);
    assert.deepEqual(both.cookies, { kind: "replacement" });
  });

  it("preset: false builds a session with only the given plugins", () => {
    const ses: Session = session.fromPartition(`bare-${Math.random()}`, {
      preset: false,
      plugins: [stamp],
    });
    opened.push(ses.partition);
    assert.throws(
      () => (ses as unknown as { cookies: unknown }).cookies,
      (error: Error) =>
        error instanceof MissingPluginError &&
        /without the cookies( or [a-z-]+)* plugin, which provides ses.cookies/.test(
          error.message,
        ) &&
        error.message.includes("plugins: [cookiesPlugin]"),
    );
    assert.deepEqual(ses.plugins.list().map((p) => p.name), ["stamp"]);
  });

  it("are usable right after plugins.add resolves", async () => {
    const ses = session.fromPartition(`add-later-${Math.random()}`, { preset: false });
    opened.push(ses.partition);
    const typed = await ses.plugins.add(stamp);
    assert.equal(typed.stampValue, "v1");
    await ses.plugins.remove("stamp");
    assert.throws(() => typed.stampValue, MissingPluginError);
  });
});
