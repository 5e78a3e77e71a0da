// Add-ons in the running server: --plugin at start, /api/plugins, an add-on rewriting bodies of
// plain HTTP and intercepted HTTPS, and add-ons that throw or hang being reported and cut off.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  curl,
  runServerToExit,
  type ServerProcess,
  startServerProcess,
} from "./_server_process.ts";
import { serve, type TestServer } from "../_serve.ts";
import { needs } from "../_system.ts";

needs("curl");

const home = mkdtempSync(`${tmpdir()}/websession-addons-`);
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
let origin: TestServer;
let server: ServerProcess;

before(async () => {
  origin = await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/binary") {
      return new Response("keep me lower", { headers: { "content-type": "application/x-raw" } });
    }
    return new Response(`hello from ${path}`, {
      headers: { "content-type": "text/plain", "x-path": path },
    });
  });
  server = await startServerProcess(home, [
    "--plugin",
    fixture("body_rewrite_addon"),
    "--allow-unsigned",
    "--allow-unenforced-isolation",
    "--hook-timeout",
    "300",
  ]);
});

after(async () => {
  await server?.stop();
  await origin?.close();
  rmSync(home, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.proxy}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, ...(init.headers ?? {}) },
  });

describe("add-ons in the running server", () => {
  it("loads --plugin at start: its response-body tap rewrites what curl gets", async () => {
    const text = await curl(["-s", "-x", server.proxy, `${origin.url}/page`]);
    assert.equal(text.stdout, "HELLO FROM /PAGE");
    const raw = await curl(["-s", "-x", server.proxy, `${origin.url}/binary`]);
    assert.equal(raw.stdout, "keep me lower");
    const list = await (await api("/plugins")).json();
    const shout = list.find((p: { name: string }) => p.name === "shout");
    assert.equal(shout.addon, true);
    assert.equal(shout.active, true);
    assert.ok(list.some((p: { name: string; addon: boolean }) => !p.addon));
  });

  it("rewrites bodies inside a CONNECT tunnel too (plain HTTP in the tunnel goes through the session)", async () => {
    const tunnelled = await curl([
      "-s",
      "-p",
      "-x",
      server.proxy,
      `${origin.url}/through-tunnel`,
    ]);
    assert.equal(tunnelled.stdout, "HELLO FROM /THROUGH-TUNNEL");
  });

  it("unloads and loads add-ons through the API, refusing what does not load", async () => {
    const removed = await api("/plugins", {
      method: "DELETE",
      body: JSON.stringify({ name: "shout" }),
    });
    assert.deepEqual(await removed.json(), { unloaded: "shout" });
    const plain = await curl(["-s", "-x", server.proxy, `${origin.url}/page`]);
    assert.equal(plain.stdout, "hello from /page");
    const again = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: fixture("body_rewrite_addon") }),
    });
    assert.equal(again.status, 201);
    assert.equal((await again.json()).name, "shout");
    assert.equal(
      (await curl(["-s", "-x", server.proxy, `${origin.url}/x`])).stdout,
      "HELLO FROM /X",
    );
    const missing = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: `${home}/no-such-addon` }),
    });
    assert.equal(missing.status, 400);
    assert.equal((await missing.json()).field, "source");
    const unknown = await api("/plugins", {
      method: "DELETE",
      body: JSON.stringify({ name: "never-loaded" }),
    });
    assert.equal(unknown.status, 404);
    const builtIn = await api("/plugins", {
      method: "DELETE",
      body: JSON.stringify({ name: "cookies" }),
    });
    assert.equal(builtIn.status, 404);
  });

  it("reports an add-on that throws, and keeps serving", async () => {
    const events = await api("/events");
    const reader = events.body!.getReader();
    const loaded = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: fixture("failing_addons/throws") }),
    });
    assert.equal(loaded.status, 201, await loaded.clone().text());
    const answer = await curl(["-s", "-x", server.proxy, `${origin.url}/after-throw`]);
    assert.equal(answer.stdout, "HELLO FROM /AFTER-THROW");
    let seen = "";
    while (!/"type":"plugin-error"/.test(seen)) {
      const { value, done } = await reader.read();
      assert.ok(!done);
      seen += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const event = JSON.parse(/data: (\{[^\n]*"plugin-error"[^\n]*\})/.exec(seen)![1]);
    assert.equal(event.plugin, "throws");
    assert.match(event.error, /this add-on always fails/);
    assert.equal(event.url, `${origin.url}/after-throw`);
    await api("/plugins", { method: "DELETE", body: JSON.stringify({ name: "throws" }) });
  });

  it("writes an add-on's stray rejection to stderr, and keeps serving", async () => {
    const loaded = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: fixture("failing_addons/stray_rejection") }),
    });
    assert.equal(loaded.status, 201, await loaded.clone().text());
    const first = await curl(["-s", "-x", server.proxy, `${origin.url}/stray`]);
    assert.equal(first.stdout, "HELLO FROM /STRAY");
    const stray = /a stray rejection from an add-on/;
    while (!stray.test(server.output()) && server.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(server.child.exitCode, null, `The server exited:\n${server.output()}`);
    assert.match(server.output(), /unhandled rejection \(the server goes on\)/);
    const second = await curl(["-s", "-x", server.proxy, `${origin.url}/after-stray`]);
    assert.equal(second.stdout, "HELLO FROM /AFTER-STRAY");
    assert.equal(server.child.exitCode, null);
    await api("/plugins", { method: "DELETE", body: JSON.stringify({ name: "stray-rejection" }) });
  });

  it("cuts off an isolated add-on that hangs, reports it, and keeps serving", async () => {
    const loaded = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: fixture("failing_addons/hangs") }),
    });
    assert.equal(loaded.status, 201, await loaded.clone().text());
    const answer = await curl(["-s", "-x", server.proxy, `${origin.url}/after-hang`]);
    assert.equal(answer.stdout, "HELLO FROM /AFTER-HANG");
    const list = await (await api("/plugins")).json();
    const hangs = list.find((p: { name: string }) => p.name === "hangs");
    assert.ok(hangs === undefined || hangs.active === false, JSON.stringify(hangs));
    const next = await curl(["-s", "-x", server.proxy, `${origin.url}/next`]);
    assert.equal(next.stdout, "HELLO FROM /NEXT");
  });
});

/** Reads the event stream until an event of `type` for `plugin` comes; returns it. */
async function eventOf(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: { text: string },
  type: string,
  plugin: string,
): Promise<Record<string, unknown>> {
  for (;;) {
    for (const [, data] of seen.text.matchAll(/data: (\{[^\n]*\})\n/g)) {
      const event = JSON.parse(data);
      if (event.type === type && event.plugin === plugin) return event;
    }
    const { value, done } = await reader.read();
    assert.ok(!done, `the event stream ended before a ${type} event of ${plugin}`);
    seen.text += new TextDecoder().decode(value);
  }
}

describe("an inline add-on that hangs", () => {
  it("is held to the hook time budget: reported, the request goes on without it, and repeated faults unload it", async () => {
    const events = await api("/events");
    const reader = events.body!.getReader();
    const seen = { text: "" };
    const loaded = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: fixture("failing_addons/hangs_inline") }),
    });
    assert.equal(loaded.status, 201, await loaded.clone().text());
    assert.equal((await loaded.json()).isolation, "inline");
    const first = await curl(["-s", "-x", server.proxy, `${origin.url}/inline-hang`]);
    assert.equal(first.stdout, "HELLO FROM /INLINE-HANG");
    const fault = await eventOf(reader, seen, "plugin-error", "hangs-inline");
    assert.equal(fault.stage, "beforeSendHeaders");
    assert.match(String(fault.error), /did not answer within 300 ms/i);
    assert.equal(typeof fault.id, "number");
    const log = await (await api("/requests")).json() as Array<{ id: number; url: string }>;
    assert.equal(log.find((e) => e.id === fault.id)?.url, `${origin.url}/inline-hang`);

    const second = await curl(["-s", "-x", server.proxy, `${origin.url}/inline-hang-2`]);
    assert.equal(second.stdout, "HELLO FROM /INLINE-HANG-2");
    const cutOff = await eventOf(reader, seen, "plugin-cut-off", "hangs-inline");
    assert.match(String(cutOff.error), /after 3 faults/);
    await reader.cancel();
    const list = await (await api("/plugins")).json() as Array<{ name: string }>;
    assert.equal(list.some((p) => p.name === "hangs-inline"), false);
    const third = await curl(["-s", "-x", server.proxy, `${origin.url}/after-cut-off`]);
    assert.equal(third.stdout, "HELLO FROM /AFTER-CUT-OFF");
  });

  it("refuses an add-on whose setup does not finish within the budget, and keeps serving", async () => {
    const loaded = await api("/plugins", {
      method: "POST",
      body: JSON.stringify({ source: fixture("failing_addons/setup_hangs") }),
    });
    assert.equal(loaded.status, 400);
    assert.match((await loaded.json()).error, /setup-hangs/);
    const list = await (await api("/plugins")).json() as Array<{ name: string }>;
    assert.equal(list.some((p) => p.name === "setup-hangs"), false);
    const answer = await curl(["-s", "-x", server.proxy, `${origin.url}/after-setup-hang`]);
    assert.equal(answer.stdout, "HELLO FROM /AFTER-SETUP-HANG");
  });
});

describe("add-on signatures", () => {
  it("refuses an unsigned add-on at start without --allow-unsigned: one line, exit code 1", async () => {
    const { code, stderr } = await runServerToExit(`${home}/unsigned`, [
      "--port",
      "0",
      "--plugin",
      fixture("body_rewrite_addon"),
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /^websession: --plugin .*body_rewrite_addon: .*sign/im);
  });
});
