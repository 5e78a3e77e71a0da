// IncomingMessage as Electron's (a Node Readable): pipe into a Node writable (with backpressure),
// stream.pipeline, close without reading, HTTP version fields.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { PassThrough, Writable } from "node:stream";
import { net } from "../../../mod.ts";
import type { IncomingMessage } from "../../../mod.ts";
import { freshSession, record, serve, serveRaw, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
let dir = "";
before(async () => {
  const app = testApp();
  app.get("/big", () => new Response("x".repeat(300_000)));
  server = await serve(app.fetch);
  dir = mkdtempSync(`${tmpdir()}/websession-incoming-`);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function responseOf(path: string, name: string) {
  const request = net.request({ url: `${server.origin}${path}`, session: freshSession(name) });
  const seen = record(request, { read: false });
  const response = new Promise<IncomingMessage>((resolve) => request.on("response", resolve));
  request.end();
  return { request, seen, response };
}

describe("IncomingMessage as a Node Readable", () => {
  it("pipes into a file write stream and ends it", async () => {
    const { response, seen } = responseOf("/slow", "pipe-file");
    const file = `${dir}/slow.txt`;
    const out = (await response).pipe(createWriteStream(file));
    await new Promise((resolve) => out.on("finish", resolve));
    assert.equal(readFileSync(file, "utf8"), "part0;part1;part2;part3;");
    await seen.closed;
    assert.deepEqual(seen.events.slice(-3), ["response:end", "response:close", "close"]);
  });

  it("waits for drain when the destination asks (write() returns false)", async () => {
    const { response } = responseOf("/big", "pipe-drain");
    let received = 0;
    let waits = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Uint8Array, _encoding, callback) {
        received += chunk.byteLength;
        setTimeout(callback, 1);
      },
    });
    slow.on("drain", () => waits++);
    const message = await response;
    message.pipe(slow);
    await new Promise((resolve) => slow.on("finish", resolve));
    assert.equal(received, 300_000);
    assert.ok(waits > 0, "the destination drained at least once");
  });

  it("keeps the destination open with { end: false }; unpipe stops the flow", async () => {
    const { response } = responseOf("/hello", "pipe-keep");
    const through = new PassThrough();
    const chunks: string[] = [];
    through.on("data", (c) => chunks.push(String(c)));
    const message = await response;
    message.pipe(through, { end: false });
    await new Promise((resolve) => message.on("end", resolve));
    assert.equal(chunks.join(""), "hello");
    assert.equal(through.writableEnded, false);
    message.unpipe(through);
    through.end();
  });

  it("close fires when nobody reads the response, and a late reader still gets the body", async () => {
    const { response, seen } = responseOf("/slow", "unread");
    const message = await response;
    await seen.closed;
    assert.deepEqual(seen.events, ["finish", "response", "close"]);
    let text = "";
    for await (const chunk of message) text += new TextDecoder().decode(chunk);
    assert.equal(text, "part0;part1;part2;part3;");
  });

  it("reports HTTP/1.1 in httpVersion, httpVersionMajor and httpVersionMinor", async () => {
    const { response, seen } = responseOf("/hello", "version");
    const message = await response;
    assert.equal(message.httpVersion, "1.1");
    assert.equal(message.httpVersionMajor, 1);
    assert.equal(message.httpVersionMinor, 1);
    assert.equal(message.readable, true);
    message.resume();
    await seen.closed;
    assert.equal(message.readable, false);
  });

  it("headers: discardable duplicates keep the first, set-cookie is a list, cookie joined with '; ', others with ', '", async () => {
    const raw = await serveRaw((socket) =>
      socket.once("data", () =>
        socket.end(
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n" +
            "Expires: Wed, 21 Oct 2026 07:28:00 GMT\r\nExpires: Thu, 22 Oct 2026 07:28:00 GMT\r\n" +
            "X-Multi: one\r\nX-Multi: two\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n" +
            "Cookie: c=3\r\nCookie: d=4; e=5\r\n" +
            "Content-Length: 2\r\nConnection: close\r\n\r\nok",
        ))
    );
    try {
      const request = net.request({ url: `${raw.origin}/`, session: freshSession("dups") });
      const seen = record(request);
      request.end();
      await seen.closed;
      const headers = seen.response()!.headers;
      assert.equal(headers["content-type"], "text/plain");
      assert.equal(headers["expires"], "Wed, 21 Oct 2026 07:28:00 GMT");
      assert.equal(headers["x-multi"], "one, two");
      assert.deepEqual(headers["set-cookie"], ["a=1", "b=2"]);
      assert.equal(headers["cookie"], "c=3; d=4; e=5");
    } finally {
      await raw.close();
    }
  });
});
