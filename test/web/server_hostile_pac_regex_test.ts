// The session server under hostile PAC scripts and declarative rules (#15): while a PAC script
// spins or allocates, and while a ReDoS-shaped rule meets a crafted URL, the server answers other
// clients; bad rules are refused with 400 naming the rule and field.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { curl, type ServerProcess, startServerProcess } from "./_server_process.ts";
import { serve, type TestServer } from "../_serve.ts";
import { needs } from "../_system.ts";

needs("curl");

const home = mkdtempSync(`${tmpdir()}/websession-hostile-`);
let origin: TestServer;
let server: ServerProcess;

const PAC = `
var kept = [];
function FindProxyForURL(url, host) {
  if (host === "hog.test") for (;;) kept.push(new Array(100000).fill(1));
  if (host === "spin.test") for (;;) {}
  return "PROXY pac.test:8080";
}`;

before(async () => {
  origin = await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/proxy.pac") return new Response(PAC);
    if (path === "/hello") return new Response("hello");
    return new Response(`not here ${path.length}`, { status: 404 });
  });
  server = await startServerProcess(home);
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

const resolve = async (url: string) =>
  (await (await api(`/proxy/resolve?url=${encodeURIComponent(url)}`)).json()).proxy;

/** Starts reading the event stream; `seen(pattern)` resolves once an event matches. */
function watchEvents() {
  const stop = new AbortController();
  let text = "";
  const waiters: Array<{ pattern: RegExp; done: () => void }> = [];
  const ready = api("/events", { signal: stop.signal }).then(async (response) => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += value;
          for (const w of waiters.splice(0)) {
            if (w.pattern.test(text)) w.done();
            else waiters.push(w);
          }
        }
      } catch {
        // aborted
      }
    })();
  });
  return {
    ready,
    seen: (pattern: RegExp) =>
      new Promise<void>((done) => {
        if (pattern.test(text)) done();
        else waiters.push({ pattern, done });
      }),
    close: () => stop.abort(),
  };
}

/** The server process's resident memory in bytes (Linux). */
function serverRss(): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe("the session server with a hostile PAC script", () => {
  it("answers other clients while the script spins, and bounds its memory", async () => {
    const events = watchEvents();
    await events.ready;
    const put = await api("/proxy", {
      method: "PUT",
      body: JSON.stringify({ pacScript: `${origin.url}/proxy.pac` }),
    });
    assert.equal(put.status, 200);
    assert.equal(await resolve("http://a.test/"), "PROXY pac.test:8080");
    let settled = false;
    const spinning = resolve("http://spin.test/").finally(() => settled = true);
    // While the script spins for its full second: a proxied request, and API calls.
    const proxied = await curl(["-s", "-x", server.proxy, `${origin.url}/hello`]);
    assert.equal(proxied.stdout, "hello");
    const rules = await api("/rules");
    assert.equal(rules.status, 200);
    await rules.body?.cancel();
    assert.equal(settled, false, "the spinning call should still be running");
    assert.equal(await spinning, "DIRECT");

    const before = serverRss();
    assert.equal(await resolve("http://hog.test/"), "DIRECT");
    assert.equal(await resolve("http://hog.test/"), "DIRECT");
    // Unbounded, each of those grows the process by gigabytes.
    const grown = serverRss() - before;
    assert.ok(grown < 512 * 1024 * 1024, `the server grew by ${grown} bytes`);
    assert.equal(await resolve("http://b.test/"), "PROXY pac.test:8080");
    // The reasons reach the event stream as plugin errors.
    await events.seen(/plugin-error[\s\S]*timed out/);
    await events.seen(/plugin-error[\s\S]*out of memory/);
    events.close();
  });

  it("refuses a PAC script from file:///dev/zero; the server goes on", async () => {
    const events = watchEvents();
    await events.ready;
    const before = serverRss();
    const put = await api("/proxy", {
      method: "PUT",
      body: JSON.stringify({ pacScript: "file:///dev/zero" }),
    });
    assert.equal(put.status, 200);
    assert.equal(await resolve("http://a.test/"), "DIRECT");
    await events.seen(/file:\/\/\/dev\/zero is unusable/);
    events.close();
    const grown = serverRss() - before;
    assert.ok(grown < 256 * 1024 * 1024, `the server grew by ${grown} bytes`);
    const reset = await api("/proxy", { method: "PUT", body: JSON.stringify({ mode: "direct" }) });
    assert.equal(reset.status, 200);
  });
});

describe("the session server with hostile declarative rules", () => {
  it("a ReDoS-shaped regexFilter meets a crafted URL: linear time, other clients answered", async () => {
    const rule = {
      id: 51,
      action: { type: "block" },
      condition: { regexFilter: "^http://127\\.0\\.0\\.1:[0-9]+/(a+)+$", resourceTypes: ["other"] },
    };
    const added = await api("/rules", { method: "POST", body: JSON.stringify({ rules: [rule] }) });
    assert.equal(added.status, 201);
    const crafted = `${origin.url}/${"a".repeat(5000)}!`;
    const [hostile, other] = await Promise.all([
      curl(["-s", "-x", server.proxy, crafted]),
      curl(["-s", "-x", server.proxy, `${origin.url}/hello`]),
    ]);
    assert.equal(hostile.stdout, "not here 5002");
    assert.equal(other.stdout, "hello");
    const blocked = await curl(["-s", "-i", "-x", server.proxy, `${origin.url}/aaaa`]);
    assert.match(blocked.stdout, /^HTTP\/1\.1 403[\s\S]*rule 51/);
    const removed = await api("/rules", { method: "DELETE", body: JSON.stringify({ ids: [51] }) });
    assert.equal(removed.status, 200);
  });

  it("answers 400 naming the rule and field for RE2-refused regexes and CR/LF header values", async () => {
    const bad = [
      [
        { id: 52, action: { type: "block" }, condition: { regexFilter: "(?=a)b" } },
        'Rule with id 52 specifies an incorrect value for the "regexFilter" key.',
        "rules.0.condition.regexFilter",
      ],
      [
        {
          id: 53,
          action: {
            type: "modifyHeaders",
            requestHeaders: [{ header: "x-a", operation: "set", value: "1\r\nx-injected: 1" }],
          },
          condition: { urlFilter: "/hello" },
        },
        "Rule with id 53 must provide a valid header value to be appended/set.",
        "rules.0.action.requestHeaders.0.value",
      ],
    ] as const;
    for (const [rule, message, field] of bad) {
      const response = await api("/rules", {
        method: "POST",
        body: JSON.stringify({ rules: [rule] }),
      });
      assert.equal(response.status, 400);
      // Chromium 156's sentence, and the field at fault
      const refusal = await response.json();
      assert.equal(refusal.error, message);
      assert.equal(refusal.field, field);
    }
    const listed = await (await api("/rules")).json();
    assert.deepEqual(listed.dynamic, []);
  });
});
