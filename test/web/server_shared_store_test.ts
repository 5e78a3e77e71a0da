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
import { type RedisServer, startRedis } from "../_redis.ts";
import { needs } from "../_system.ts";
import { freePort } from "../plugins/proxy/_servers.ts";
import { RedisStore } from "../../adapters/store/redis.ts";

const home = mkdtempSync(`${tmpdir()}/websession-shared-`);
let redis: RedisServer;
let origin: TestServer;
const servers: ServerProcess[] = [];
/** The `cookie` events each server's live event stream sent, by server. */
const cookieEvents: Array<Array<{ cookie: { name: string; value: string }; removed: boolean }>> =
  [];
const streams: AbortController[] = [];

const api = (server: ServerProcess, path: string, init: RequestInit = {}) =>
  fetch(`${server.proxy}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
  });

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function followEvents(server: ServerProcess, into: (typeof cookieEvents)[number]) {
  const controller = new AbortController();
  streams.push(controller);
  const response = await fetch(`${server.proxy}/api/events`, {
    headers: { authorization: `Bearer ${server.token}` },
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: ready/m.test(block)) ready();
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data) continue;
          const event = JSON.parse(data);
          if (event.type === "cookie") into.push(event);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  await isReady;
}

describe("three session servers sharing one partition through --store redis://", () => {
  needs("redis-server", "curl");
  before(async () => {
    redis = await startRedis();
    origin = await serve((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/set") {
        return new Response("set", {
          headers: { "set-cookie": `shared=${url.searchParams.get("v")}; Max-Age=600; Path=/` },
        });
      }
      if (url.pathname === "/echo") return new Response(request.headers.get("cookie") ?? "");
      return new Response("hello");
    });
    // Two are told by the flag, the third by the environment variable.
    servers.push(
      ...await Promise.all([
        startServerProcess(`${home}/a`, ["--store", redis.url]),
        startServerProcess(`${home}/b`, ["--store", redis.url]),
        startServerProcess(`${home}/c`, [], { WEBSESSION_STORE: redis.url }),
      ]),
    );
    for (const server of servers) {
      const into: (typeof cookieEvents)[number] = [];
      cookieEvents.push(into);
      await followEvents(server, into);
    }
  });
  after(async () => {
    for (const stream of streams) stream.abort();
    await Promise.allSettled(servers.map((s) => s.stop()));
    await origin?.close();
    await redis?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("prints the store it uses, password hidden", () => {
    for (const server of servers) {
      assert.match(server.output(), /\n {2}store: {3}redis:\/\/127\.0\.0\.1:\d+\/? .*shared/);
    }
  });

  it("a cookie set through one server fires changed in all three and is sent by the others' next request", async () => {
    const [a, b, c] = servers;
    const set = await curl(["-s", "-x", a.proxy, `${origin.url}/set?v=one`]);
    assert.equal(set.stdout, "set");
    for (const [i, events] of cookieEvents.entries()) {
      const event = await until(
        `server ${i}'s changed event`,
        () => events.find((e) => e.cookie.name === "shared" && e.cookie.value === "one"),
      );
      assert.equal(event.removed, false);
    }
    for (const server of [b, c]) {
      const echo = await curl(["-s", "-x", server.proxy, `${origin.url}/echo`]);
      assert.equal(echo.stdout, "shared=one");
    }
    // And back: overwritten through c, a sends the new value.
    await curl(["-s", "-x", c.proxy, `${origin.url}/set?v=two`]);
    await until(
      "a's event for the new value",
      () => cookieEvents[0].find((e) => e.cookie.value === "two" && !e.removed),
    );
    assert.equal((await curl(["-s", "-x", a.proxy, `${origin.url}/echo`])).stdout, "shared=two");
  });

  it("a cookie removed through the API of one is gone in the others", async () => {
    const [a, b, c] = servers;
    await api(a, "/cookies", {
      method: "POST",
      body: JSON.stringify({ url: origin.url, name: "gone", value: "soon" }),
    });
    await until("the cookie on c", async () => {
      const list = await (await api(c, `/cookies?url=${origin.url}`)).json();
      return list.some((k: { name: string }) => k.name === "gone") ? true : undefined;
    });
    const removed = await api(b, "/cookies", {
      method: "DELETE",
      body: JSON.stringify({ url: origin.url, name: "gone" }),
    });
    assert.equal(removed.status, 200);
    await until("the removal on c", async () => {
      const list = await (await api(c, `/cookies?url=${origin.url}`)).json();
      return list.some((k: { name: string }) => k.name === "gone") ? undefined : true;
    });
    await until(
      "the removal event on a",
      () => cookieEvents[0].find((e) => e.cookie.name === "gone" && e.removed),
    );
  });

  it("two servers setting cookies for the same host at once lose none of them", async () => {
    const [a, b, c] = servers;
    const set = (server: ServerProcess, name: string) =>
      api(server, "/cookies", {
        method: "POST",
        body: JSON.stringify({ url: origin.url, name, value: name, expirationDate: 4e9 }),
      }).then((r) => assert.equal(r.status, 201));
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => [set(a, `a${i}`), set(b, `b${i}`)]).flat(),
    );
    const names = await until("all 50 cookies on c", async () => {
      const list: Array<{ name: string }> = await (await api(c, `/cookies?url=${origin.url}`))
        .json();
      const racing = list.map((k) => k.name).filter((n) => /^[ab]\d+$/.test(n));
      return racing.length === 50 ? racing : undefined;
    });
    assert.equal(new Set(names).size, 50);
    // What Redis holds (a fresh reader, as a restarted server would load it).
    const fresh = new RedisStore({ url: redis.url, partition: "persist:default" });
    try {
      const rows = await fresh.list("cookies/c/");
      const stored = rows.map(([, row]) => (row as string[])[0]).filter((n) => /^[ab]\d+$/.test(n));
      assert.equal(new Set(stored).size, 50);
    } finally {
      await fresh.close();
    }
  });

  it("declarative rules and proxy settings changed in one server apply in the others", async () => {
    const [a, b, c] = servers;
    const added = await api(b, "/rules", {
      method: "POST",
      body: JSON.stringify({
        rules: [{
          id: 7,
          action: { type: "block" },
          condition: { urlFilter: "/blocked-everywhere", resourceTypes: ["other"] },
        }],
      }),
    });
    assert.equal(added.status, 201);
    for (const server of [a, c]) {
      const answer = await until("the rule to block", async () => {
        const got = await curl([
          "-s",
          "-i",
          "-x",
          server.proxy,
          `${origin.url}/blocked-everywhere`,
        ]);
        return /^HTTP\/1\.1 403/.test(got.stdout) ? got.stdout : undefined;
      });
      assert.match(answer, /rule 7/);
    }
    await api(a, "/rules", { method: "DELETE", body: JSON.stringify({ ids: [7] }) });
    await until("the rule to go on c", async () => {
      const got = await curl(["-s", "-x", c.proxy, `${origin.url}/blocked-everywhere`]);
      return got.stdout === "hello" ? true : undefined;
    });

    const proxied = await api(c, "/proxy", {
      method: "PUT",
      body: JSON.stringify({ mode: "fixed_servers", proxyRules: "http=127.0.0.1:3128" }),
    });
    assert.equal(proxied.status, 200);
    for (const server of [a, b]) {
      await until("the proxy setting", async () => {
        const resolved = await (await api(server, `/proxy/resolve?url=http://example.org/`))
          .json();
        return resolved.proxy === "PROXY 127.0.0.1:3128" ? true : undefined;
      });
    }
  });
});

describe("a server on --store killed with SIGKILL", () => {
  needs("redis-server");
  it("loses no cookie, rule or proxy setting its API acknowledged", async () => {
    const own = await startRedis();
    const server = await startServerProcess(`${home}/killed`, ["--store", own.url]);
    try {
      const post = (path: string, method: string, body: unknown) =>
        api(server, path, { method, body: JSON.stringify(body) }).then((r) => r.status);
      const acknowledged: string[] = [];
      for (let i = 0; i < 20; i++) {
        assert.equal(
          await post("/cookies", "POST", {
            url: "http://example.org/",
            name: `k${i}`,
            value: String(i),
            expirationDate: 4e9,
          }),
          201,
        );
        acknowledged.push(`k${i}`);
      }
      assert.equal(
        await post("/rules", "POST", {
          rules: [{ id: 9, action: { type: "block" }, condition: { urlFilter: "/x" } }],
        }),
        201,
      );
      assert.equal(
        await post("/proxy", "PUT", { mode: "fixed_servers", proxyRules: "127.0.0.1:3128" }),
        200,
      );
      await server.stop("SIGKILL");
      await own.stop();
      await own.start(); // what Redis's AOF kept
      const fresh = new RedisStore({ url: own.url, partition: "persist:default" });
      try {
        const rows = await fresh.list("");
        const names = rows.filter(([key]) => key.startsWith("cookies/"))
          .map(([, row]) => (row as string[])[0]);
        assert.deepEqual(names.sort(), acknowledged.sort());
        assert.ok(
          rows.some(([key, value]) =>
            key.endsWith("dynamicRules") && JSON.stringify(value).includes('"id":9')
          ),
          JSON.stringify(rows.map(([key]) => key)),
        );
        assert.ok(
          rows.some(([key, value]) =>
            key.endsWith("config") && JSON.stringify(value).includes("127.0.0.1:3128")
          ),
        );
      } finally {
        await fresh.close();
      }
    } finally {
      await server.stop("SIGKILL");
      await own.close();
    }
  });
});

describe("--store at start", () => {
  needs("redis-server");
  it("fails with one line and exit code 1 for a wrong URL, a refused port and a wrong password", async () => {
    const scheme = await runServerToExit(`${home}/bad-scheme`, ["--store", "http://127.0.0.1:1"]);
    assert.equal(scheme.code, 1);
    assert.equal(
      scheme.stderr,
      "websession: Redis store http://127.0.0.1:1/: the scheme must be redis: or rediss:, not http:\n",
    );
    const port = await freePort();
    const refused = await runServerToExit(`${home}/refused`, [
      "--store",
      `redis://127.0.0.1:${port}`,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^websession: Redis store redis:\/\/127\.0\.0\.1:\d+: .+\n$/);
    const locked = await startRedis("s3cret");
    try {
      const wrong = await runServerToExit(`${home}/wrong-pass`, [
        "--store",
        `redis://:nope@127.0.0.1:${locked.port}`,
      ]);
      assert.equal(wrong.code, 1);
      assert.match(
        wrong.stderr,
        /^websession: Redis store redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(WRONGPASS|invalid).*\n$/i,
      );
      assert.doesNotMatch(wrong.stderr, /nope/);
    } finally {
      await locked.close();
    }
  });
});
