// The local proxy relay (what a Chromium-backed session's context points at), driven with raw
// HTTP over node:net: absolute-form requests DIRECT and through tinyproxy, fallback past a dead
// proxy, CONNECT tunnels, a client's Connection: close, and bad input (keep-alive:
// relay_keepalive_test.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer } from "node:net";
import { startProxyRelay } from "../../../adapters/socks/relay.ts";
import type { ProxyServer } from "../../../kernel/transport.ts";
import { needs } from "../../_system.ts";
import {
  freePort,
  type Origin,
  type ProxyProcess,
  startOrigin,
  startTinyproxy,
} from "../../plugins/proxy/_servers.ts";

needs("tinyproxy");

let origin: Origin;
let tiny: ProxyProcess;

/** Sends `text` to 127.0.0.1:`port` and resolves with all it answered until it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Uint8Array[] = [];
    socket.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    socket.once("error", reject);
    socket.once("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.write(text);
  });
}

function split(answer: string): { status: string; head: string; body: string } {
  const end = answer.indexOf("\r\n\r\n");
  const head = answer.slice(0, end);
  return { status: head.split("\r\n")[0], head, body: answer.slice(end + 4) };
}

// the client asks to close, so each answer ends with the connection
const get = (url: string) =>
  `GET ${url} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nProxy-Connection: close\r\n\r\n`;

describe("the local proxy relay", () => {
  before(async () => {
    [origin, tiny] = await Promise.all([startOrigin(), startTinyproxy()]);
  });
  after(async () => {
    await tiny?.stop();
    await origin?.close();
  });

  it("DIRECT: origin form, the client's close honoured, keep-alive upstream, the whole body", async () => {
    const asked: string[] = [];
    const relay = await startProxyRelay((url) => {
      asked.push(url);
      return Promise.resolve([null]);
    });
    try {
      const { status, head, body } = split(await raw(relay.port, get(`${origin.url}/big?x=1`)));
      assert.equal(status, "HTTP/1.1 200 OK");
      assert.match(head, /\r\nConnection: close(\r\n|$)/i);
      assert.doesNotMatch(head, /keep-alive/i);
      assert.equal(body.length, 200_000);
      assert.deepEqual(asked, [`${origin.url}/big?x=1`]);
      assert.equal(origin.hits.at(-1)?.path, "/big?x=1");
      assert.equal(origin.hits.at(-1)?.headers["proxy-connection"], undefined);
      // the upstream connection is kept for the next request (pooled by the relay)
      assert.equal(origin.hits.at(-1)?.headers.connection, "keep-alive");
    } finally {
      await relay.close();
    }
  });

  it("falls back past a proxy that cannot be reached, to an HTTP proxy in absolute form", async () => {
    const dead: ProxyServer = { scheme: "http", host: "127.0.0.1", port: await freePort() };
    const proxy: ProxyServer = { scheme: "http", host: "127.0.0.1", port: tiny.port };
    const relay = await startProxyRelay(() => Promise.resolve([dead, proxy]));
    try {
      const { status, body } = split(await raw(relay.port, get(`${origin.url}/via`)));
      assert.equal(status, "HTTP/1.1 200 OK");
      assert.match(JSON.parse(body).headers.via, /tinyproxy/);
      assert.match(tiny.log(), new RegExp(`GET ${origin.url}/via`));
    } finally {
      await relay.close();
    }
  });

  it("a proxy that failed is tried after the others for a while (Chromium's bad-proxy list)", async () => {
    // a SOCKS5 "proxy" that hangs up at once: every handshake fails
    let attempts = 0;
    const refusing = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const broken: ProxyServer = {
      scheme: "socks5",
      host: "127.0.0.1",
      port: (refusing.address() as { port: number }).port,
    };
    const relay = await startProxyRelay(() => Promise.resolve([broken, null]));
    try {
      for (const path of ["/first", "/second", "/third"]) {
        const { status } = split(await raw(relay.port, get(`${origin.url}${path}`)));
        assert.equal(status, "HTTP/1.1 200 OK");
      }
      assert.equal(attempts, 1);
    } finally {
      await relay.close();
      refusing.close();
    }
  });

  it("answers 502 when no route works, and 400 to a request that is not in absolute form", async () => {
    const dead: ProxyServer = { scheme: "socks5", host: "127.0.0.1", port: await freePort() };
    let asked = 0;
    const relay = await startProxyRelay(() => {
      asked++;
      return Promise.resolve([dead]);
    });
    try {
      const failed = split(await raw(relay.port, get(`${origin.url}/x`)));
      assert.equal(failed.status, "HTTP/1.1 502 Bad Gateway");
      assert.match(failed.head, /\r\nx-websession-net-error: net::ERR_PROXY_CONNECTION_FAILED\r\n/);
      assert.equal(asked, 1);
      const originForm = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      assert.equal(split(await raw(relay.port, originForm)).status, "HTTP/1.1 400 Bad Request");
      assert.equal(asked, 1);
    } finally {
      await relay.close();
    }
  });

  it("a DIRECT target that refuses: 502 naming net::ERR_CONNECTION_REFUSED", async () => {
    const relay = await startProxyRelay(() => Promise.resolve([null]));
    try {
      const dead = await freePort();
      const failed = split(await raw(relay.port, get(`http://127.0.0.1:${dead}/`)));
      assert.equal(failed.status, "HTTP/1.1 502 Bad Gateway");
      assert.match(failed.head, /\r\nx-websession-net-error: net::ERR_CONNECTION_REFUSED\r\n/);
    } finally {
      await relay.close();
    }
  });

  it("a CONNECT to port 80 (Chromium's ws:// through a proxy) is routed as http://", async () => {
    const asked: string[] = [];
    const dead: ProxyServer = { scheme: "http", host: "127.0.0.1", port: await freePort() };
    const relay = await startProxyRelay((url) => {
      asked.push(url);
      return Promise.resolve([dead]);
    });
    try {
      const answer = await raw(relay.port, "CONNECT chat.example:80 HTTP/1.1\r\n\r\n");
      assert.equal(split(answer).status, "HTTP/1.1 502 Bad Gateway");
      assert.deepEqual(asked, ["http://chat.example/"]);
    } finally {
      await relay.close();
    }
  });

  it("CONNECT opens a tunnel routed as https://host:port/; closeConnections closes it", async () => {
    const asked: string[] = [];
    const relay = await startProxyRelay((url) => {
      asked.push(url);
      return Promise.resolve([null]);
    });
    try {
      const socket = connect({ host: "127.0.0.1", port: relay.port });
      let text = "";
      socket.on("data", (chunk: Uint8Array) => text += Buffer.from(chunk).toString("latin1"));
      const closed = new Promise((resolve) => socket.once("close", resolve));
      socket.write(
        `CONNECT 127.0.0.1:${origin.port} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\n\r\n`,
      );
      socket.write(`GET /tunnelled HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\n\r\n`);
      for (let i = 0; i < 400 && !text.includes('/tunnelled"'); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.match(text, /^HTTP\/1\.1 200 Connection established\r\n\r\nHTTP\/1\.1 200 OK/);
      assert.deepEqual(asked, [`https://127.0.0.1:${origin.port}/`]);
      // the tunnel stays open (keep-alive) until the relay closes it
      assert.equal(socket.destroyed, false);
      relay.closeConnections();
      await closed;
    } finally {
      await relay.close();
    }
  });
});
