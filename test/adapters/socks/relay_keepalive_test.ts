// Keep-alive in the local proxy relay: one client connection carries several requests, upstream
// connections are pooled per route and origin (a changed route opens its own), each body is read
// exactly as far as its framing (Content-Length, chunked with trailers, close-delimited, none for
// HEAD/204/304), a pooled connection the origin closed is retried once for an idempotent request
// and fails a POST with net::ERR_EMPTY_RESPONSE, and closeConnections() drops pooled connections.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { type ProxyRelay, startProxyRelay } from "../../../adapters/socks/relay.ts";
import type { ProxyServer } from "../../../kernel/transport.ts";
import { needs } from "../../_system.ts";
import { type ProxyProcess, startTinyproxy } from "../../plugins/proxy/_servers.ts";
import {
  eventually,
  RawClient,
  type RawOrigin,
  type RawRequest,
  request,
  startRawOrigin,
} from "./_raw_http.ts";

needs("tinyproxy");

/** Answers each request with a Content-Length body naming its path and connection. */
function echo(socket: Socket, req: RawRequest): void {
  const body = `${req.line.split(" ")[1]} on ${req.connection}`;
  socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

/**
 * Runs `test` with an origin answering by `handler`, a relay that sends every request DIRECT and
 * a raw client connection to the relay; closes all three afterwards.
 */
async function withDirectRelay(
  handler: Parameters<typeof startRawOrigin>[0],
  test: (rig: { origin: RawOrigin; relay: ProxyRelay; client: RawClient }) => Promise<void>,
): Promise<void> {
  const origin = await startRawOrigin(handler);
  const relay = await startProxyRelay(() => Promise.resolve([null]));
  const client = new RawClient(relay.port);
  try {
    await test({ origin, relay, client });
  } finally {
    client.close();
    await relay.close();
    await origin.close();
  }
}

describe("the local proxy relay keeps connections alive", () => {
  let tiny: ProxyProcess;
  before(async () => {
    tiny = await startTinyproxy();
  });
  after(async () => {
    await tiny?.stop();
  });

  it("carries two requests over one client connection and one upstream connection", async () => {
    await withDirectRelay(echo, async ({ origin, client }) => {
      client.send(request("GET", `${origin.url}/one`));
      const one = await client.response();
      assert.equal(one.status, 200);
      assert.equal(one.body, "/one on 0");
      assert.equal(one.headers.connection, "keep-alive");
      client.send(request("GET", `${origin.url}/two`));
      const two = await client.response();
      assert.equal(two.body, "/two on 0");
      assert.equal(client.closed, false);
      assert.equal(origin.connections, 1);
      // the origin saw origin-form requests asking to keep the connection, no proxy headers
      assert.equal(origin.requests[1].line, "GET /two HTTP/1.1");
      assert.equal(origin.requests[1].headers.connection, "keep-alive");
      assert.equal(origin.requests[1].headers["proxy-connection"], undefined);
    });
  });

  it("a route changed between two requests of one client connection applies to the second", async () => {
    const origin = await startRawOrigin((socket, req) => {
      const body = JSON.stringify({ via: req.headers.via ?? null, connection: req.connection });
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const proxy: ProxyServer = { scheme: "http", host: "127.0.0.1", port: tiny.port };
    let routes: (ProxyServer | null)[] = [null];
    const relay = await startProxyRelay(() => Promise.resolve(routes));
    const client = new RawClient(relay.port);
    try {
      client.send(request("GET", `${origin.url}/direct`));
      assert.equal(JSON.parse((await client.response()).body).via, null);
      routes = [proxy];
      client.send(request("GET", `${origin.url}/proxied`));
      const proxied = JSON.parse((await client.response()).body);
      assert.match(proxied.via, /tinyproxy/);
      assert.match(tiny.log(), new RegExp(`GET ${origin.url}/proxied`));
      // and back: the pooled DIRECT connection serves DIRECT again
      routes = [null];
      client.send(request("GET", `${origin.url}/again`));
      const again = JSON.parse((await client.response()).body);
      assert.equal(again.via, null);
      assert.equal(again.connection, 0);
      assert.equal(client.closed, false);
    } finally {
      client.close();
      await relay.close();
      await origin.close();
    }
  });

  it("follows a chunked body with extensions and trailers, then the next request", async () => {
    await withDirectRelay((socket, req) => {
      if (req.line.startsWith("GET /chunked")) {
        socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel");
        setTimeout(() => socket.write("lo\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"), 30);
      } else echo(socket, req);
    }, async ({ origin, client }) => {
      client.send(request("GET", `${origin.url}/chunked`));
      const chunked = await client.response();
      assert.equal(chunked.headers["transfer-encoding"], "chunked");
      assert.equal(chunked.body, "hello world");
      client.send(request("GET", `${origin.url}/after`));
      assert.equal((await client.response()).body, "/after on 0");
      assert.equal(origin.connections, 1);
    });
  });

  it("a close-delimited body reaches the client whole, then both connections close", async () => {
    await withDirectRelay((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
      setTimeout(() => socket.end("the close"), 30);
    }, async ({ origin, client }) => {
      client.send(request("GET", `${origin.url}/close`));
      const response = await client.response();
      assert.equal(response.headers.connection, "close");
      assert.equal(response.body, "until the close");
      await client.closedByPeer();
      assert.equal(client.closed, true);
    });
  });

  it("HEAD, 204 and 304 have no body even with a Content-Length", async () => {
    await withDirectRelay((socket, req) => {
      const path = req.line.split(" ")[1];
      if (req.line.startsWith("HEAD")) {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
      } else if (path === "/204") socket.write("HTTP/1.1 204 No Content\r\n\r\n");
      else if (path === "/304") {
        socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: "a"\r\n\r\n');
      } else echo(socket, req);
    }, async ({ origin, client }) => {
      client.send(request("HEAD", `${origin.url}/head`));
      const head = await client.response(true);
      assert.equal(head.status, 200);
      assert.equal(head.headers["content-length"], "5");
      client.send(request("GET", `${origin.url}/204`));
      assert.equal((await client.response()).status, 204);
      client.send(request("GET", `${origin.url}/304`));
      assert.equal((await client.response()).status, 304);
      client.send(request("GET", `${origin.url}/last`));
      const last = await client.response();
      assert.equal(last.body, "/last on 0");
      assert.equal(origin.connections, 1);
    });
  });

  it("a request body (Content-Length) goes upstream whole, the connection stays", async () => {
    await withDirectRelay(echo, async ({ origin, client }) => {
      client.send(request("POST", `${origin.url}/post`, "", "a=1&b=2"));
      assert.equal((await client.response()).body, "/post on 0");
      assert.equal(origin.requests[0].body, "a=1&b=2");
      client.send(request("GET", `${origin.url}/next`));
      assert.equal((await client.response()).body, "/next on 0");
    });
  });

  it("a pooled connection the origin closed: GET and PUT are retried once on a new one", async () => {
    // the first connection answers one request and hangs up on the next without a byte
    const origin = await startRawOrigin((socket, req) => {
      if (req.connection === 0 && origin.requests.length > 1) return void socket.end();
      echo(socket, req);
    });
    const relay = await startProxyRelay(() => Promise.resolve([null]));
    const client = new RawClient(relay.port);
    try {
      client.send(request("GET", `${origin.url}/first`));
      assert.equal((await client.response()).body, "/first on 0");
      client.send(request("PUT", `${origin.url}/put`, "", "kept body"));
      const retried = await client.response();
      assert.equal(retried.status, 200);
      assert.equal(retried.body, "/put on 1");
      assert.equal(origin.requests.at(-1)?.body, "kept body");
      assert.equal(origin.requests.filter((r) => r.line.startsWith("PUT")).length, 2);
      assert.equal(origin.connections, 2);
    } finally {
      client.close();
      await relay.close();
      await origin.close();
    }
  });

  it("a pooled connection the origin closed fails a POST with net::ERR_EMPTY_RESPONSE", async () => {
    await withDirectRelay((socket, req) => {
      if (req.line.startsWith("POST")) return void socket.end();
      echo(socket, req);
    }, async ({ origin, client }) => {
      client.send(request("GET", `${origin.url}/first`));
      assert.equal((await client.response()).status, 200);
      client.send(request("POST", `${origin.url}/post`, "", "once"));
      const failed = await client.response();
      assert.equal(failed.status, 502);
      assert.equal(failed.headers["x-websession-net-error"], "net::ERR_EMPTY_RESPONSE");
      // sent once, never again
      assert.equal(origin.requests.filter((r) => r.line.startsWith("POST")).length, 1);
      assert.equal(origin.connections, 1);
    });
  });

  it("a GET whose retry meets a closing origin again fails with net::ERR_EMPTY_RESPONSE", async () => {
    await withDirectRelay((socket, req) => {
      if (req.line.includes("/first")) echo(socket, req);
      else socket.end();
    }, async ({ origin, client }) => {
      client.send(request("GET", `${origin.url}/first`));
      assert.equal((await client.response()).status, 200);
      client.send(request("GET", `${origin.url}/gone`));
      const failed = await client.response();
      assert.equal(failed.status, 502);
      assert.equal(failed.headers["x-websession-net-error"], "net::ERR_EMPTY_RESPONSE");
      // once on the pooled connection, once more on a new one
      assert.equal(origin.requests.filter((r) => r.line.includes("/gone")).length, 2);
      assert.equal(origin.connections, 2);
    });
  });

  it("closeConnections() drops pooled connections: the next request opens a new one", async () => {
    const origin = await startRawOrigin(echo);
    const relay = await startProxyRelay(() => Promise.resolve([null]));
    let client = new RawClient(relay.port);
    try {
      client.send(request("GET", `${origin.url}/a`));
      assert.equal((await client.response()).body, "/a on 0");
      relay.closeConnections();
      await eventually(() => origin.closed === 1);
      assert.equal(origin.closed, 1);
      await client.closedByPeer();
      client = new RawClient(relay.port);
      client.send(request("GET", `${origin.url}/b`));
      assert.equal((await client.response()).body, "/b on 1");
    } finally {
      client.close();
      await relay.close();
      await origin.close();
    }
  });

  it("an idle pooled connection the origin closes is not reused", async () => {
    await withDirectRelay((socket, req) => {
      echo(socket, req);
      if (req.connection === 0) setTimeout(() => socket.end(), 10);
    }, async ({ origin, client }) => {
      client.send(request("GET", `${origin.url}/a`));
      assert.equal((await client.response()).body, "/a on 0");
      await eventually(() => origin.closed === 1);
      client.send(request("GET", `${origin.url}/b`));
      assert.equal((await client.response()).body, "/b on 1");
      assert.equal(origin.requests.length, 2);
    });
  });
});
