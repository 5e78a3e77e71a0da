// The session server's tokens, its net log and event log files, and its shutdown: each test
// starts a server of its own (server_test.ts shares one for the proxy and the control API).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { curl, startServerProcess } from "./_server_process.ts";
import { type Origins, startOrigins } from "./_server_origins.ts";
import type { TestServer } from "../_serve.ts";
import { needs } from "../_system.ts";

needs("openssl");

const home = mkdtempSync(`${tmpdir()}/websession-server-life-`);
let origins: Origins;
let origin: TestServer;
let tlsPort: number;

before(async () => {
  origins = await startOrigins(home);
  ({ origin, tlsPort } = origins);
});

after(async () => {
  await origins?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("tokens and the net log", () => {
  needs("curl");
  it("lets loopback proxy clients in, and others only with the token", async () => {
    const { proxyClientAllowed } = await import("../../web/server/server.ts");
    const { TokenKeys } = await import("../../web/server/token.ts");
    const keys = new TokenKeys(`${home}/client-key.json`);
    const token = await keys.issue(60);
    assert.equal(await proxyClientAllowed("127.0.0.1", undefined, keys), true);
    assert.equal(await proxyClientAllowed("::1", undefined, keys), true);
    assert.equal(await proxyClientAllowed("::ffff:127.0.0.9", undefined, keys), true);
    assert.equal(await proxyClientAllowed("192.0.2.7", undefined, keys), false);
    assert.equal(await proxyClientAllowed("192.0.2.7", `Bearer ${token}`, keys), true);
    assert.equal(
      await proxyClientAllowed("192.0.2.7", `Basic ${btoa(`any:${token}`)}`, keys),
      true,
    );
    assert.equal(await proxyClientAllowed("192.0.2.7", `Basic ${btoa("any:wrong")}`, keys), false);
    assert.equal(await proxyClientAllowed("192.0.2.7", "Basic %%%", keys), false);
    assert.equal(await proxyClientAllowed("fd00::1", "Bearer forged", keys), false);
  });

  it("rotates its key through the API: the new token works, the old one is refused", async () => {
    const rotateHome = `${home}/rotate-home`;
    const own = await startServerProcess(rotateHome);
    try {
      const rotated = await fetch(`${own.proxy}/api/token/rotate`, {
        method: "POST",
        headers: { authorization: `Bearer ${own.token}` },
        body: JSON.stringify({ ttl: 600 }),
      });
      assert.equal(rotated.status, 200);
      const { token } = await rotated.json();
      const withOld = await fetch(`${own.proxy}/api/partitions`, {
        headers: { authorization: `Bearer ${own.token}` },
      });
      assert.equal(withOld.status, 401);
      const withNew = await fetch(`${own.proxy}/api/partitions`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(withNew.status, 200);
    } finally {
      await own.stop();
    }
  });

  it("writes Chromium's NetLog JSON with --net-log and JSON lines with --event-log", async () => {
    const file = `${home}/net-log.json`;
    const lines = `${home}/events.jsonl`;
    const own = await startServerProcess(`${home}/netlog-home`, [
      "--net-log",
      file,
      "--event-log",
      lines,
      "--no-intercept",
      "localhost",
    ]);
    try {
      assert.equal(
        (await curl(["-s", "-x", own.proxy, `${origin.url}/hello`])).stdout,
        "hello GET",
      );
      // A CONNECT tunnel: its upstream socket is a SOCKET source of the net log.
      const tunnelled = await curl(["-s", "-k", "-x", own.proxy, `https://localhost:${tlsPort}/`]);
      assert.equal(tunnelled.stdout, "secret over tls");
      await curl(["-s", "-x", own.proxy, "http://127.0.0.1:9/"]);
      // The same requests as HAR, for the dashboard's export.
      const har = await (await fetch(`${own.proxy}/api/har`, {
        headers: { authorization: `Bearer ${own.token}` },
      })).json();
      assert.equal(har.log.version, "1.2");
      const entry = har.log.entries.find((e: { request: { url: string } }) =>
        e.request.url === `${origin.url}/hello`
      );
      assert.equal(entry?.response.status, 200);
      assert.equal(entry?.response.statusText, "OK");
      // HAR 1.2: send, wait and receive are never -1, and time is the sum of the timings
      for (const { time, timings } of har.log.entries) {
        assert.ok(
          timings.send >= 0 && timings.wait >= 0 && timings.receive >= 0,
          JSON.stringify(timings),
        );
        const parts = ["blocked", "dns", "connect", "send", "wait", "receive"]
          .map((name) => timings[name]).filter((ms: number) => ms >= 0);
        const sum = parts.reduce((a: number, b: number) => a + b, 0);
        assert.ok(Math.abs(time - sum) < 0.01, `${time} is not the sum of ${parts}`);
      }
    } finally {
      await own.stop();
    }
    const log = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(log.constants.logFormatVersion, 1);
    const types = log.constants.logEventTypes;
    const alive = log.events.filter((e: { type: number }) => e.type === types.REQUEST_ALIVE);
    const hello = alive.find((e: { params?: { url: string } }) =>
      e.params?.url === `${origin.url}/hello`
    );
    assert.ok(hello, "the proxied request is in the net log");
    const ends = alive.filter((e: { phase: number }) => e.phase === 2);
    assert.ok(ends.some((e: { params?: { net_error: number } }) => e.params?.net_error! < 0));
    type Event = { type: number; phase: number; source: { id: number; type: number } };
    const connects = log.events.filter((e: Event) => e.type === types.TCP_CONNECT);
    const begun = connects.find((e: Event & { params?: { address_list?: string[] } }) =>
      e.phase === 1 && e.params?.address_list?.[0] === `localhost:${tlsPort}`
    );
    assert.ok(begun, "the tunnel's upstream connect is in the net log");
    assert.equal(begun.source.type, log.constants.logSourceType.SOCKET);
    const socketTrail = log.events.filter((e: Event) => e.source.id === begun.source.id)
      .map((e: Event) => `${e.type}:${e.phase}`);
    // Begun before the connect; its end follows the socket's close, which may come after the log.
    assert.equal(socketTrail[0], `${types.SOCKET_ALIVE}:1`);
    assert.ok(socketTrail.includes(`${types.TCP_CONNECT}:2`));
    const bound = log.events.find((
      e: Event & { params?: { source_dependency?: { id: number } } },
    ) =>
      e.type === types.SOCKET_POOL_BOUND_TO_SOCKET &&
      e.params?.source_dependency?.id === begun.source.id
    );
    assert.equal(bound?.source.type, log.constants.logSourceType.URL_REQUEST);

    const events = readFileSync(lines, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    const helloEvents = events.filter((e) => e.url === `${origin.url}/hello`).map((e) => e.type);
    assert.deepEqual(helloEvents, [
      "request",
      "beforeSendHeaders",
      "sendHeaders",
      "headersReceived",
      "responseStarted",
      "completed",
    ]);
    const failed = events.find((e) => e.type === "errorOccurred");
    assert.match(failed.error, /^net::ERR_/);
    assert.ok(events.every((e) => typeof e.time === "number" && typeof e.elapsed === "number"));
  });
});

describe("shutdown", () => {
  needs("curl");
  it("lets a request in flight finish on SIGTERM, then exits cleanly", async () => {
    const second = await startServerProcess(`${home}/second`);
    const pending = curl(["-s", "-x", second.proxy, `${origin.url}/slow`]);
    // Wait until the slow request is in flight (the stats request itself is one more).
    for (let i = 0; i < 100; i++) {
      const stats = await (await fetch(`${second.proxy}/api/stats`, {
        headers: { authorization: `Bearer ${second.token}` },
      })).json();
      if (stats.inFlight >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await second.stop("SIGTERM");
    const result = await pending;
    assert.equal(result.stdout, "slow done");
    // Deno's node:child_process reports the signal we sent even when the child handled it and
    // exited with 0, so the proof of a clean shutdown is what the server printed last.
    assert.match(
      second.output(),
      /SIGTERM, finishing requests in flight[\s\S]*websession: stopped/,
    );
  });

  it("keeps its signing key in a 0600 file and a rotated key refuses old tokens", async () => {
    const mode = statSync(`${home}/second/server-key.json`).mode & 0o777;
    assert.equal(mode, 0o600);
    const { TokenKeys } = await import("../../web/server/token.ts");
    const keys = new TokenKeys(`${home}/rotate-key.json`);
    const old = await keys.issue(60);
    assert.equal(await keys.verify(old), true);
    keys.rotate();
    assert.equal(await keys.verify(old), false);
    assert.equal(await keys.verify(await keys.issue(60)), true);
  });
});
