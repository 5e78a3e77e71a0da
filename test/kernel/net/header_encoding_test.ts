import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import { freshSession, record, serveRaw, type TestServer } from "./_server.ts";

/** The bytes of each request's `X-Text` header line, as the server read them off the socket. */
const received: Uint8Array[] = [];
let server: TestServer;
before(async () => {
  server = await serveRaw((socket) => {
    let head = new Uint8Array(0);
    socket.on("data", (chunk: Uint8Array) => {
      const joined = new Uint8Array(head.byteLength + chunk.byteLength);
      joined.set(head);
      joined.set(chunk, head.byteLength);
      head = joined;
      const text = new TextDecoder("latin1").decode(head);
      if (!text.includes("\r\n\r\n")) return;
      const start = text.toLowerCase().indexOf("\r\nx-text: ") + "\r\nx-text: ".length;
      received.push(head.slice(start, text.indexOf("\r\n", start)));
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    });
  });
});
after(async () => {
  await server.close();
});

describe("ClientRequest: header values beyond ASCII", () => {
  for (const text of ["café", "☃ snow", "日本"]) {
    it(`sends ${JSON.stringify(text)} as its UTF-8 bytes, as Electron does`, async () => {
      const request = net.request({ url: `${server.origin}/`, session: freshSession("utf8") });
      request.setHeader("X-Text", text);
      assert.equal(request.getHeader("x-text"), text);
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.deepEqual(seen.errors, []);
      assert.equal(seen.body(), "ok");
      assert.deepEqual(received.pop(), new TextEncoder().encode(text));
    });
  }
});
