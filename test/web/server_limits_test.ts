/**
 * The session server under hostile or careless clients, in process: oversized and array bodies,
 * the token in a query, odd partition names, a subscriber of the event stream that never reads,
 * proxy loops, and the CONNECT port policy. Each test ends by showing that the server still
 * answers another client.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { mkdtempSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { configure, session } from "../../mod.ts";
import { type RunningServer, startServer } from "../../web/server/server.ts";
import { API_BODY_LIMIT } from "../../web/server/api.ts";
import { serve, type TestServer } from "../_serve.ts";

try {
  configure({ storagePath: mkdtempSync(`${tmpdir()}/websession-limits-`) });
} catch {
  // Bun runs every test file in one process: another file's persistent sessions fixed the root
}

let origin: TestServer;
let server: RunningServer;
let port: number;
const QUEUE_LIMIT = 20;

before(async () => {
  origin = await serve((request) => new Response(`origin ${new URL(request.url).pathname}`));
  server = await startServer({
    port: 0,
    partition: "persist:limits",
    eventQueueLimit: QUEUE_LIMIT,
  });
  port = Number(new URL(server.proxyUrl).port);
});
after(async () => {
  await server.close();
  await origin.close();
  // leave no persistent session open for the test files that run next in this process
  for (const partition of ["persist:outside", "persist:work-2 \u00e9t\u00e9"]) {
    await session.closePartition(partition);
  }
});

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.proxyUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, ...init.headers as object },
  });
}

async function stillAnswers(): Promise<void> {
  const response = await api("/api/stats");
  assert.equal(response.status, 200);
  assert.equal(typeof (await response.json()).proxied, "number");
}

/** Sends raw bytes and resolves with what came back until the server ended or `until` matched. */
function raw(text: string, until: RegExp, host = "127.0.0.1", local?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, localAddress: local });
    let seen = "";
    socket.on("data", (chunk) => {
      seen += chunk.toString("latin1");
      if (until.test(seen)) {
        socket.destroy();
        resolve(seen);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(seen));
    socket.write(text);
  });
}

describe("the API's bodies", () => {
  it(`refuses a body over ${API_BODY_LIMIT} bytes by its Content-Length with 413, unread`, async () => {
    const answer = await raw(
      `POST /api/rules HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${server.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n{"rules":[`,
      /\r\n\r\n.*\}/s,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /"field":"body"/);
    assert.match(answer, new RegExp(`limit of ${API_BODY_LIMIT} bytes`));
    await stillAnswers();
  });

  it("refuses a chunked body with 413 once it passes the limit", async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(32);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > API_BODY_LIMIT * 4) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await api("/api/cookies/import", {
      method: "POST",
      body,
      // @ts-ignore: duplex is needed for a streamed body and missing from the lib types
      duplex: "half",
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).field, "body");
    await stillAnswers();
  });

  for (const path of ["/api/proxy", "/api/cookies"]) {
    it(`refuses a JSON array where an object is expected (${path})`, async () => {
      const response = await api(path, {
        method: path === "/api/proxy" ? "PUT" : "POST",
        body: "[]",
      });
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        error: "body: must be a JSON object, not an array",
        field: "body",
      });
      await stillAnswers();
    });
  }
});

describe("?token=", () => {
  it("is refused on every route but the event stream", async () => {
    for (const [method, path] of [["GET", "/api/stats"], ["POST", "/api/token/rotate"]]) {
      const response = await fetch(`${server.proxyUrl}${path}?token=${server.token}`, { method });
      assert.equal(response.status, 401, `${method} ${path}`);
      await response.body?.cancel();
    }
    const controller = new AbortController();
    const stream = await fetch(`${server.proxyUrl}/api/events?token=${server.token}`, {
      signal: controller.signal,
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /event: ready/);
    controller.abort();
    await reader.cancel().catch(() => {});
    await stillAnswers();
  });
});

describe("partition names", () => {
  const bad: Array<[string, RegExp]> = [
    ["persist:..", /cannot be "\." or "\.\."/],
    ["persist:.", /cannot be "\." or "\.\."/],
    ["persist:\ud800x", /lone surrogate/],
    [`persist:${"a".repeat(300)}`, /longer than 200 characters/],
    [`persist:${"\u00e9".repeat(150)}`, /too long for a folder name/],
    ["persist:a\nb", /control character/],
  ];
  for (const [name, why] of bad) {
    it(`fromPartition and the API refuse ${JSON.stringify(name.slice(0, 20))}`, async () => {
      assert.throws(
        () => session.fromPartition(name),
        (error: unknown) =>
          error instanceof TypeError && /^session\.fromPartition: partition /.test(error.message) &&
          why.test(error.message),
      );
      const created = await api("/api/partitions", {
        method: "POST",
        body: JSON.stringify({ partition: name }),
      });
      assert.equal(created.status, 400);
      const body = await created.json();
      assert.equal(body.field, "partition");
      assert.match(body.error, why);
      if (name.isWellFormed()) {
        const listed = await api(`/api/cookies?partition=${encodeURIComponent(name)}`);
        assert.equal(listed.status, 400);
        await listed.body?.cancel();
      }
      assert.ok(!session.partitions().includes(name));
      await stillAnswers();
    });
  }

  it("still accepts ordinary names", async () => {
    const created = await api("/api/partitions", {
      method: "POST",
      body: JSON.stringify({ partition: "persist:work-2 \u00e9t\u00e9" }),
    });
    assert.equal(created.status, 201);
    await created.body?.cancel();
  });
});

describe("the event stream", () => {
  it("drops a subscriber that does not read, with a last event saying why", async () => {
    const socket: Socket = connect({ port, host: "127.0.0.1" });
    let seen = "";
    socket.on("data", (chunk) => (seen += chunk.toString("latin1")));
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(
      // Connection: close, so that the end of the stream also ends the connection
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${server.token}\r\nConnection: close\r\n\r\n`,
    );
    while (!seen.includes("event: ready")) await new Promise((r) => setTimeout(r, 5));
    socket.pause(); // reads nothing more from now on
    const long = "x".repeat(8 * 1024);
    let dropped = 0;
    for (let i = 0; i < 500 && dropped === 0; i++) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, j) =>
        raw(
          `GET ${origin.url}/${long}?${i}.${j} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nConnection: close\r\n\r\n`,
          /origin \//,
        )));
      for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200 /);
      dropped = (await (await api("/api/stats")).json())["events.dropped"];
    }
    assert.equal(dropped, 1);
    await stillAnswers();
    socket.resume();
    await ended;
    assert.match(seen, /event: dropped\ndata: \{"reason":"this subscriber fell 20 events behind/);
    // the client's Connection: close wins over the stream's own wish to keep the connection
    assert.doesNotMatch(seen.split("\r\n\r\n")[0], /\r\nconnection: keep-alive/i);
    assert.equal((await (await api("/api/stats")).json())["events.subscribers"], 0);
  });
});

describe("proxy loops", () => {
  it("answers 508 when the upstream proxy is the server itself (Via names it)", async () => {
    const ses = server.session as unknown as {
      setProxy(config: object): Promise<void>;
    };
    // <-loopback>: the origin is on 127.0.0.1, which Chromium otherwise never proxies
    await ses.setProxy({ proxyRules: `http=127.0.0.1:${port}`, proxyBypassRules: "<-loopback>" });
    try {
      const answer = await raw(
        `GET ${origin.url}/loop HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nConnection: close\r\n\r\n`,
        /proxy loop.*\n/,
      );
      assert.match(answer, /^HTTP\/1\.1 508 /);
      assert.match(answer, /websession: proxy loop: .*\/loop came back to this server/);
    } finally {
      await ses.setProxy({ mode: "direct" });
    }
    const direct = await raw(
      `GET ${origin.url}/after HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nConnection: close\r\n\r\n`,
      /origin \/after/,
    );
    assert.match(direct, /^HTTP\/1\.1 200 /);
    // the response it forwarded names it in Via too (RFC 9110 7.6.3)
    assert.match(direct, /\r\nvia: 1\.1 websession-[^\r]+\r\n/i);
  });

  it("PUT /api/proxy refuses the server's own address as upstream", async () => {
    for (const rules of [`127.0.0.1:${port}`, `https=localhost:${port}`]) {
      const response = await api("/api/proxy", {
        method: "PUT",
        body: JSON.stringify({ mode: "fixed_servers", proxyRules: rules }),
      });
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.field, "proxyRules");
      assert.match(body.error, /this server's own address; proxying through it would loop/);
    }
    await stillAnswers();
  });

  it("answers 508 to CONNECT to the server itself", async () => {
    const answer = await raw(
      `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      /would loop\n/,
    );
    assert.match(answer, /^HTTP\/1\.1 508 Loop Detected/);
    await stillAnswers();
  });
});

describe("--connect-ports", () => {
  const address = Object.values(networkInterfaces()).flat().find((net) =>
    net && !net.internal && net.family === "IPv4"
  )?.address;

  it("lets clients other than this machine CONNECT to 443 and the listed ports only", async () => {
    assert.ok(address, "the test needs an IPv4 address other than loopback");
    const open = await serve(() => new Response("tunnelled"));
    const outside = await startServer({
      port: 0,
      host: address,
      partition: "persist:outside",
      connectPorts: [443, open.port],
    });
    try {
      const outsidePort = Number(new URL(outside.proxyUrl).port);
      const ask = (target: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect({ port: outsidePort, host: address, localAddress: address });
          let seen = "";
          socket.on("data", (chunk) => {
            seen += chunk.toString("latin1");
            if (seen.includes("\r\n\r\n")) {
              socket.destroy();
              resolve(seen);
            }
          });
          socket.on("error", reject);
          socket.write(
            `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: Bearer ${outside.token}\r\n\r\n`,
          );
        });
      const refused = await ask("127.0.0.1:25");
      assert.match(refused, /^HTTP\/1\.1 403 /);
      assert.match(await ask("127.0.0.1:25").catch(String), /--connect-ports/);
      assert.match(await ask(`127.0.0.1:${open.port}`), /^HTTP\/1\.1 200 Connection Established/);
      // that tunnel (intercepted: the server waited for a TLS handshake) ended with the client,
      // which closed before sending anything: the server closed its side too
      let active = -1;
      for (let i = 0; i < 200 && active !== 0; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const stats = await fetch(`${outside.apiUrl}/stats`, {
          headers: { authorization: `Bearer ${outside.token}` },
        });
        active = (await stats.json())["tunnels.active"];
      }
      assert.equal(active, 0, "the tunnel the client closed is still open on the server");
    } finally {
      await outside.close();
      await open.close();
    }
    await stillAnswers();
  });
});
