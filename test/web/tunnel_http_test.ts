// HTTP/1.1 served straight on a socket (what Deno uses inside an intercepted tunnel): a real TCP
// server on 127.0.0.1 and a raw client writing bytes, so pipelining, chunked bodies both ways,
// HEAD, Expect: 100-continue and connection close are checked on the wire.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { serveHttp1, type TunnelRequest } from "../../web/server/tunnel_http.ts";

let server: Server;
let port = 0;
const seen: Array<{ method: string; path: string; body: string; host: string | null }> = [];

before(async () => {
  server = createServer((socket) =>
    serveHttp1(socket, async (request: TunnelRequest) => {
      const body = request.body ? await new Response(request.body).text() : "";
      seen.push({
        method: request.method,
        path: request.path,
        body,
        host: request.headers.get("host"),
      });
      if (request.path === "/stream") {
        const parts = ["one,", "two,", "three"];
        return new Response(
          new ReadableStream({
            pull(controller) {
              const next = parts.shift();
              if (next === undefined) controller.close();
              else controller.enqueue(new TextEncoder().encode(next));
            },
          }),
          { headers: { "content-type": "text/plain" } },
        );
      }
      if (request.path === "/empty") return new Response(null, { status: 204 });
      const headers = new Headers({ "content-type": "text/plain" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      const text = `${request.method} ${request.path} ${body}`;
      headers.set("content-length", String(new TextEncoder().encode(text).length));
      return new Response(text, { headers });
    })
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Writes `text` on a new connection and reads until the server closes it. */
function exchange(parts: string[], pause = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
    socket.on("connect", async () => {
      for (const part of parts) {
        socket.write(part);
        if (pause) await new Promise((r) => setTimeout(r, pause));
      }
    });
  });
}

describe("HTTP/1.1 on a tunnel socket", () => {
  it("answers pipelined requests in order on one connection, then closes when asked", async () => {
    const text = await exchange([
      "GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n" +
      "POST /b HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello" +
      "GET /c HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
    ]);
    const answers = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 3, text);
    assert.match(answers[0], /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(answers[0], /connection: keep-alive\r\n/);
    assert.match(answers[0], /set-cookie: a=1\r\nset-cookie: b=2\r\n/);
    assert.match(answers[0], /\r\n\r\nGET \/a $/);
    assert.match(answers[1], /\r\n\r\nPOST \/b hello$/);
    assert.match(answers[2], /connection: close\r\n/);
    assert.match(answers[2], /\r\n\r\nGET \/c $/);
    assert.equal(seen.find((s) => s.path === "/a")?.host, "example.com");
  });

  it("reads a chunked request body sent in pieces, after answering Expect: 100-continue", async () => {
    const text = await exchange([
      "PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
      "4\r\nabcd\r\n",
      "3\r\nefg\r\n0\r\n\r\n",
    ], 20);
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\n\r\nPUT \/upload abcdefg$/);
  });

  it("sends a body of unknown length chunked, and no body for HEAD or 204", async () => {
    const text = await exchange([
      "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n" +
      "HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n" +
      "GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]);
    const answers = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 3, text);
    assert.match(answers[0], /transfer-encoding: chunked\r\n/);
    assert.match(answers[0], /\r\n\r\n4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n$/);
    assert.match(answers[1], /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(answers[1], /content-length: 11\r\n/);
    assert.match(answers[1], /\r\n\r\n$/);
    assert.match(answers[2], /^HTTP\/1\.1 204 No Content\r\n/);
    assert.match(answers[2], /\r\n\r\n$/);
  });

  it("reads a body larger than the parser's head limit that arrives in one read", async () => {
    const big = "z".repeat(200 * 1024);
    const text = await exchange([
      `POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${big.length}\r\n\r\n${big}` +
      "GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]);
    const answers = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 2, text.slice(0, 300));
    assert.match(answers[0], /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(seen.find((s) => s.path === "/big")?.body, big);
    assert.match(answers[1], /\r\n\r\nGET \/after $/);
  });

  it("answers 400 and closes on bytes that are not HTTP, and 501 to an upgrade", async () => {
    const bad = await exchange(["NOT HTTP AT ALL\r\n\r\n"]);
    assert.match(bad, /^HTTP\/1\.1 400 Bad Request\r\n/);
    const upgrade = await exchange([
      "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    ]);
    assert.match(upgrade, /^HTTP\/1\.1 501 Not Implemented\r\n/);
  });
});
