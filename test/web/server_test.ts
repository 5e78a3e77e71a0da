import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { curl, type ServerProcess, startServerProcess, upgradeThrough } from "./_server_process.ts";
import { BIG, type Origins, startOrigins } from "./_server_origins.ts";
import { closedPort as closedPortNumber, type TestServer } from "../_serve.ts";
import { needs } from "../_system.ts";

needs("openssl");

const home = mkdtempSync(`${tmpdir()}/websession-server-`);
let origins: Origins;
let origin: TestServer;
let tlsPort: number;
let server: ServerProcess;

before(async () => {
  origins = await startOrigins(home);
  ({ origin, tlsPort } = origins);
  // The TLS origin's tunnel stays undecrypted (server_intercept_test.ts covers decrypting).
  server = await startServerProcess(home, ["--no-intercept", "localhost"]);
});

after(async () => {
  await server?.stop();
  await origins?.close();
  rmSync(home, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}, token = server.token) =>
  fetch(`${server.proxy}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });

describe("the session server as a proxy", () => {
  needs("curl");
  it("proxies plain HTTP for curl, with request bodies", async () => {
    const get = await curl(["-s", "-x", server.proxy, `${origin.url}/hello`]);
    assert.equal(get.stdout, "hello GET");
    const payload = `${home}/payload.bin`;
    writeFileSync(payload, new Uint8Array(3_000_000).map((_, i) => i % 251));
    const post = await curl([
      "-s",
      "-x",
      server.proxy,
      "--data-binary",
      `@${payload}`,
      `${origin.url}/upload`,
    ]);
    let sum = 0;
    for (const b of readFileSync(payload)) sum = (sum + b) % 65521;
    assert.equal(post.stdout, `3000000 ${sum}`);
  });

  it("keeps the client's connection alive across requests", async () => {
    const result = await curl([
      "-sv",
      "-x",
      server.proxy,
      `${origin.url}/hello`,
      `${origin.url}/hello`,
    ]);
    assert.equal(result.stdout, "hello GEThello GET");
    assert.match(result.stderr, /Re-using existing connection/);
  });

  it("streams a large download whole", async () => {
    const file = `${home}/big.bin`;
    const result = await curl(["-s", "-x", server.proxy, "-o", file, `${origin.url}/big`]);
    assert.equal(result.code, 0);
    assert.equal(statSync(file).size, BIG);
  });

  it("tunnels CONNECT to a --no-intercept host without decrypting, and counts it", async () => {
    const before = await (await api("/stats")).json();
    const result = await curl(["-s", "-k", "-x", server.proxy, `https://localhost:${tlsPort}/`]);
    assert.equal(result.stdout, "secret over tls");
    const stats = await (await api("/stats")).json();
    assert.equal(stats["tunnels.opened"], before["tunnels.opened"] + 1);
    assert.ok(stats["tunnels.bytesDown"] > before["tunnels.bytesDown"]);
  });

  it("refuses to forward a file: URL (a proxy client may not read the server's files)", async () => {
    const secret = `secret-${Math.random()}`;
    writeFileSync(`${home}/secret.txt`, secret);
    const proxy = new URL(server.proxy);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(proxy.port), proxy.hostname, () => {
        socket.write(
          `GET file://${home}/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
      });
      let text = "";
      socket.on("data", (chunk) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    // Deno's node:http hands the request to the proxy, which answers with the code; Bun's HTTP
    // parser refuses the request line itself. Either way: a 400, and not the file.
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal(reply.includes(secret), false);
  });

  it("relays a WebSocket upgrade both ways, and refuses one a rule blocks with 403", async () => {
    const wsUrl = origins.nodeUrl;
    const relayed = await upgradeThrough(server.proxy, `${wsUrl}/chat?room=1`);
    assert.match(relayed, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(relayed, /x-path: \/chat\?room=1\r\n/);
    assert.ok(relayed.endsWith("\r\n\r\nping"), relayed);
    const rule = {
      id: 43,
      priority: 1,
      action: { type: "block" },
      condition: { urlFilter: "/blocked-chat", resourceTypes: ["websocket"] },
    };
    await api("/rules", { method: "POST", body: JSON.stringify({ rules: [rule] }) });
    const blocked = await upgradeThrough(server.proxy, `${wsUrl}/blocked-chat`);
    await api("/rules", { method: "DELETE", body: JSON.stringify({ ids: [43] }) });
    assert.match(blocked, /^HTTP\/1\.1 403 [^]*x-websession-reason: .*rule 43/);
  });

  it("answers Expect: 100-continue itself and does not forward it, as mitmproxy does", async () => {
    const result = await curl([
      "-s",
      "-x",
      server.proxy,
      "-H",
      "Expect: 100-continue",
      "--data-binary",
      "a body",
      `${origin.url}/expect`,
    ]);
    assert.equal(result.stdout, "expect: none");
  });

  it("drops the response headers the origin's Connection header names", async () => {
    const wsUrl = origins.nodeUrl;
    const result = await curl(["-s", "-i", "-x", server.proxy, `${wsUrl}/plain`]);
    assert.match(result.stdout, /^HTTP\/1\.1 200[^]*x-kept: 1\r\n[^]*not upgraded$/);
    assert.doesNotMatch(result.stdout, /x-hop-secret/);
  });

  it("forwards the body of a GET (as Chromium sends one), streamed or of known length", async () => {
    const url = `${origins.nodeUrl}/get-body`;
    const sized = await curl(["-s", "-x", server.proxy, "-X", "GET", "--data-binary", "q=1", url]);
    assert.equal(sized.stdout, "GET with 3 bytes");
    const chunked = await curl([
      "-s",
      "-x",
      server.proxy,
      "-X",
      "GET",
      "-H",
      "transfer-encoding: chunked",
      "--data-binary",
      "query=12",
      url,
    ]);
    assert.equal(chunked.stdout, "GET with 8 bytes");
  });

  it("answers an unreachable origin with 502 and Chromium's code", async () => {
    const result = await curl(["-s", "-i", "-x", server.proxy, "http://127.0.0.1:9/"]);
    assert.match(result.stdout, /^HTTP\/1\.1 502/);
    assert.match(result.stdout, /x-websession-error: net::ERR_/);
  });

  it("serves 200 concurrent clients", async () => {
    const targets = Array.from({ length: 200 }, () => ["-o", "/dev/null", `${origin.url}/hello`]);
    const result = await curl([
      "-s",
      "--parallel",
      "--parallel-max",
      "200",
      "-x",
      server.proxy,
      "-w",
      "%{http_code}\\n",
      ...targets.flat(),
    ]);
    const codes = result.stdout.trim().split("\n");
    assert.equal(codes.length, 200);
    assert.ok(codes.every((code) => code === "200"), result.stdout);
  });

  it("reports a client that leaves mid-download on the event stream, and leaks nothing", async () => {
    const controller = new AbortController();
    const events: Array<{ type: string; url: string; error?: string }> = [];
    const stream = await fetch(`${server.proxy}/api/events?token=${server.token}`, {
      signal: controller.signal,
    });
    const reading = (async () => {
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          for (const line of buffer.split("\n")) {
            if (line.startsWith("data: {") && line.includes('"type"')) {
              events.push(JSON.parse(line.slice(6)));
            }
          }
          buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
          if (events.some((e) => e.type === "errorOccurred" && e.url.endsWith("/endless"))) break;
        }
      } catch { /* aborted below */ }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const result = await curl([
      "-s",
      "-x",
      server.proxy,
      "--max-time",
      "1",
      `${origin.url}/endless`,
    ]);
    assert.equal(result.code, 28); // curl's "operation timed out": it hung up mid-body
    await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))]);
    controller.abort();
    const failure = events.find((e) => e.type === "errorOccurred" && e.url.endsWith("/endless"));
    assert.ok(failure, JSON.stringify(events));
    assert.equal(failure.error, "net::ERR_ABORTED");
    assert.ok(events.some((e) => e.type === "request" && e.url.endsWith("/endless")));
    await new Promise((r) => setTimeout(r, 100));
    const stats = await (await api("/stats")).json();
    assert.equal(stats.inFlight, 1); // only this stats request
  });
});

describe("the control API", () => {
  it("refuses requests without a valid token", async () => {
    assert.equal((await fetch(`${server.proxy}/api/partitions`)).status, 401);
    assert.equal((await api("/partitions", {}, "not-a-token")).status, 401);
    const forged = server.token.slice(0, -4) + (server.token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assert.equal((await api("/partitions", {}, forged)).status, 401);
  });

  it("lists and creates partitions", async () => {
    const created = await api("/partitions", {
      method: "POST",
      body: JSON.stringify({ partition: "persist:api-made" }),
    });
    assert.equal(created.status, 201);
    const list = await (await api("/partitions")).json();
    const names = list.map((p: { partition: string }) => p.partition);
    assert.ok(names.includes("persist:default"));
    assert.ok(names.includes("persist:api-made"));
  });

  it("answers malformed bodies with 400 and the failing field", async () => {
    const notJson = await api("/partitions", { method: "POST", body: "{nope" });
    assert.equal(notJson.status, 400);
    assert.equal((await notJson.json()).field, "body");
    const wrongType = await api("/partitions", {
      method: "POST",
      body: JSON.stringify({ partition: 5 }),
    });
    assert.equal(wrongType.status, 400);
    assert.equal((await wrongType.json()).field, "partition");
    const extra = await api("/partitions", {
      method: "POST",
      body: JSON.stringify({ partition: "x", colour: "red" }),
    });
    assert.equal(extra.status, 400);
    assert.equal((await extra.json()).field, "colour");
    const badUrl = await api("/proxy/resolve?url=not-a-url");
    assert.equal(badUrl.status, 400);
    assert.equal((await badUrl.json()).field, "url");
    const missing = await api("/cookies", {
      method: "DELETE",
      body: JSON.stringify({ url: "https://a.example/" }),
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { error: "name: is required", field: "name" });
    const badFlag = await api("/cookies/export?includeSessionCookies=maybe");
    assert.equal(badFlag.status, 400);
    assert.equal((await badFlag.json()).field, "includeSessionCookies");
    const longName = await api(`/downloads?partition=${"p".repeat(201)}`);
    assert.equal(longName.status, 400);
    assert.equal((await longName.json()).field, "partition");
    const badIds = await api("/har?ids=1,two");
    assert.equal(badIds.status, 400);
    assert.equal((await badIds.json()).field, "ids");
    const noneSelected = await (await api("/har?ids=")).json();
    assert.deepEqual(noneSelected.log.entries, []);
  });

  it("answers an unknown route with 404, and a known one asked with another method with 405", async () => {
    assert.equal((await api("/nothing-here")).status, 404);
    const patch = await api("/cookies", { method: "PATCH" });
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get("allow"), "DELETE, GET, HEAD, POST");
    assert.match(
      (await patch.json()).error,
      /\/api\/cookies answers DELETE, GET, HEAD, POST, not PATCH/,
    );
    const one = await api("/requests/7", { method: "DELETE" });
    assert.equal(one.status, 405);
    assert.equal(one.headers.get("allow"), "GET, HEAD");
    await one.body?.cancel();
  });
});

describe("declarative rules", () => {
  needs("curl");
  it("blocks a host by a rule added through the API: curl sees 403 naming the rule", async () => {
    const rule = {
      id: 41,
      priority: 1,
      action: { type: "block" },
      condition: { urlFilter: "||localhost^", resourceTypes: ["other"] },
    };
    const added = await api("/rules", { method: "POST", body: JSON.stringify({ rules: [rule] }) });
    assert.equal(added.status, 201);
    const blocked = await curl([
      "-s",
      "-i",
      "-x",
      server.proxy,
      `http://localhost:${origin.port}/hello`,
    ]);
    assert.match(blocked.stdout, /^HTTP\/1\.1 403/);
    assert.match(blocked.stdout, /Blocked by .*rule 41 \(_dynamic\)/);
    const tunnel = await curl([
      "-s",
      "-k",
      "-i",
      "-x",
      server.proxy,
      `https://localhost:${tlsPort}/`,
    ]);
    assert.match(tunnel.stdout, /403 Forbidden[\s\S]*x-websession-reason: .*rule 41/);
    const allowed = await curl(["-s", "-x", server.proxy, `${origin.url}/hello`]);
    assert.equal(allowed.stdout, "hello GET");
    const malformed = await api("/rules", {
      method: "POST",
      body: JSON.stringify({ rules: [{ id: 42, action: { type: "explode" }, condition: {} }] }),
    });
    assert.equal(malformed.status, 400);
    const refusal = await malformed.json();
    // Chromium 156's bindings' words
    assert.match(
      refusal.error,
      /Error at index 0: Error at property 'action': Error at property 'type': Value must be one of allow, allowAllRequests, block, modifyHeaders, redirect, upgradeScheme\.$/,
    );
    assert.equal(refusal.field, "rules.0.action.type");
    const listed = await (await api("/rules")).json();
    assert.deepEqual(listed.dynamic.map((r: { id: number }) => r.id), [41]);
    const removed = await api("/rules", { method: "DELETE", body: JSON.stringify({ ids: [41] }) });
    assert.deepEqual(await removed.json(), { removed: [41] });
    const none = await api("/rules", { method: "DELETE", body: JSON.stringify({ ids: [41] }) });
    assert.deepEqual(await none.json(), { removed: [] });
    const again = await curl(["-s", "-x", server.proxy, `http://localhost:${origin.port}/hello`]);
    assert.equal(again.stdout, "hello GET");
  });

  it("loads --rules FILE at start and again when the file changes", async () => {
    const file = `${home}/rules.json`;
    const block = (id: number, path: string) => ({
      id,
      action: { type: "block" },
      condition: { urlFilter: path, resourceTypes: ["other"] },
    });
    writeFileSync(file, JSON.stringify([block(1, "/hello")]));
    const withRules = await startServerProcess(`${home}/rules-home`, ["--rules", file]);
    try {
      const first = await curl(["-s", "-i", "-x", withRules.proxy, `${origin.url}/hello`]);
      assert.match(first.stdout, /^HTTP\/1\.1 403[\s\S]*rule 1 \(_session\)/);
      writeFileSync(file, JSON.stringify([block(2, "/upload")]));
      let unblocked = "";
      for (let i = 0; i < 50 && unblocked !== "hello GET"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        unblocked = (await curl(["-s", "-x", withRules.proxy, `${origin.url}/hello`])).stdout;
      }
      assert.equal(unblocked, "hello GET");
    } finally {
      await withRules.stop();
    }
  });
});

describe("cookies", () => {
  needs("curl");
  it("stores cookies from proxied responses, sends them, and keeps them across a restart", async () => {
    const cookieHome = `${home}/cookie-home`;
    const first = await startServerProcess(cookieHome);
    try {
      assert.equal(
        (await curl(["-s", "-x", first.proxy, `${origin.url}/login`])).stdout,
        "logged in",
      );
      assert.equal(
        (await curl(["-s", "-x", first.proxy, `${origin.url}/whoami`])).stdout,
        "sid=kept-across-restarts",
      );
    } finally {
      await first.stop();
    }
    const second = await startServerProcess(cookieHome);
    try {
      assert.equal(
        (await curl(["-s", "-x", second.proxy, `${origin.url}/whoami`])).stdout,
        "sid=kept-across-restarts",
      );
      const listed = await (await fetch(`${second.proxy}/api/cookies?url=${origin.url}/`, {
        headers: { authorization: `Bearer ${second.token}` },
      })).json();
      assert.deepEqual(listed.map((c: { name: string }) => c.name), ["sid"]);
      const exported = await (await fetch(`${second.proxy}/api/cookies/export`, {
        headers: { authorization: `Bearer ${second.token}` },
      })).json();
      assert.equal(exported.cookies[0].value, "kept-across-restarts");
      const removed = await fetch(`${second.proxy}/api/cookies`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${second.token}` },
        body: JSON.stringify({ url: `${origin.url}/`, name: "sid" }),
      });
      assert.equal(removed.status, 200);
      assert.equal(
        (await curl(["-s", "-x", second.proxy, `${origin.url}/whoami`])).stdout,
        "nobody",
      );
    } finally {
      await second.stop();
    }
  });

  it("sets and imports cookies through the API, refusing bad ones with 400", async () => {
    const set = await api("/cookies", {
      method: "POST",
      body: JSON.stringify({ url: `${origin.url}/`, name: "api", value: "1" }),
    });
    assert.equal(set.status, 201);
    assert.equal((await curl(["-s", "-x", server.proxy, `${origin.url}/whoami`])).stdout, "api=1");
    const refused = await api("/cookies", {
      method: "POST",
      body: JSON.stringify({ url: `${origin.url}/`, name: "__Host-x", value: "1", path: "/a" }),
    });
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).field, "name");
    const badDomain = await api("/cookies", {
      method: "POST",
      body: JSON.stringify({ url: `${origin.url}/`, name: "d", value: "1", domain: "other.org" }),
    });
    assert.equal((await badDomain.json()).field, "domain");
    const badImport = await api("/cookies/import", {
      method: "POST",
      body: JSON.stringify({ state: { cookies: [{ name: "no-value" }] } }),
    });
    assert.equal(badImport.status, 400);
    assert.equal((await badImport.json()).field, "state.cookies.0.value");
    const absent = await api("/cookies", {
      method: "DELETE",
      body: JSON.stringify({ url: `${origin.url}/`, name: "never-set" }),
    });
    assert.deepEqual(await absent.json(), { removed: false });
    const bad = await api("/cookies", { method: "POST", body: JSON.stringify({ url: 5 }) });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).field, "url");
    const imported = await api("/cookies/import", {
      method: "POST",
      body: JSON.stringify({
        state: {
          cookies: [{
            name: "imp",
            value: "2",
            domain: "127.0.0.1",
            path: "/",
            expires: Math.floor(Date.now() / 1000) + 600,
            httpOnly: false,
            secure: false,
            sameSite: "Lax",
          }],
        },
      }),
    });
    assert.equal(imported.status, 200);
    assert.match((await curl(["-s", "-x", server.proxy, `${origin.url}/whoami`])).stdout, /imp=2/);
  });
});

describe("upstream proxy", () => {
  needs("curl");
  it("sets the session's proxy through the API and honours it for proxied requests", async () => {
    const proxyHome = `${home}/proxy-home`;
    const own = await startServerProcess(proxyHome);
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${own.proxy}/api${path}`, {
        ...init,
        headers: { authorization: `Bearer ${own.token}` },
      });
    try {
      const dead = `127.0.0.1:${await closedPortNumber()}`;
      const applied = await call("/proxy", {
        method: "PUT",
        body: JSON.stringify({ proxyRules: `http=${dead}`, proxyBypassRules: "<-loopback>" }),
      });
      assert.equal(applied.status, 200);
      const resolved = await (await call(`/proxy/resolve?url=${origin.url}/hello`)).json();
      assert.equal(resolved.proxy, `PROXY ${dead}`);
      const failed = await curl(["-s", "-i", "-x", own.proxy, `${origin.url}/hello`]);
      assert.match(failed.stdout, /^HTTP\/1\.1 502[\s\S]*net::ERR_PROXY_CONNECTION_FAILED/);
      const bad = await call("/proxy", { method: "PUT", body: JSON.stringify({ mode: "warp" }) });
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).field, "mode");
      const badPac = await call("/proxy", {
        method: "PUT",
        body: JSON.stringify({ mode: "pac_script", pacScript: "not a url {" }),
      });
      assert.equal(badPac.status, 400);
      assert.equal((await badPac.json()).field, "pacScript");
      await call("/proxy", { method: "PUT", body: JSON.stringify({ mode: "direct" }) });
      assert.equal(
        (await curl(["-s", "-x", own.proxy, `${origin.url}/hello`])).stdout,
        "hello GET",
      );
    } finally {
      await own.stop();
    }
  });
});
