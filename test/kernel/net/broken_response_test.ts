// Chromium's codes for broken responses, through net.request and ses.fetch: a server closing
// without answering, a chunked body cut short, a body shorter than its Content-Length.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { net, NetError } from "../../../mod.ts";
import { freshSession, record, serveRaw } from "./_server.ts";

function answering(write: (socket: Socket) => void) {
  return serveRaw((socket) => socket.once("data", () => write(socket)));
}
const cutShort = (head: string, body: string) => (socket: Socket) => {
  socket.write(head + body);
  setTimeout(() => socket.destroy(), 30);
};

const CASES = [
  {
    name: "a chunked body cut short",
    code: "net::ERR_INCOMPLETE_CHUNKED_ENCODING",
    write: cutShort("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nhello\r\n"),
  },
  {
    name: "a body shorter than its Content-Length",
    code: "net::ERR_CONTENT_LENGTH_MISMATCH",
    write: cutShort("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "hello"),
  },
];

describe("broken responses", () => {
  it("a server closing without answering is net::ERR_EMPTY_RESPONSE", async () => {
    const raw = await answering((socket) => socket.end());
    try {
      const ses = freshSession("empty");
      await assert.rejects(
        ses.fetch(`${raw.origin}/`),
        (e: unknown) => e instanceof NetError && e.code === "net::ERR_EMPTY_RESPONSE",
      );
      const request = net.request({ url: `${raw.origin}/`, session: ses });
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.deepEqual(seen.events, ["finish", "error", "close"]);
      assert.equal((seen.errors[0] as NetError).code, "net::ERR_EMPTY_RESPONSE");
    } finally {
      await raw.close();
    }
  });

  for (const { name, code, write } of CASES) {
    it(`${name}: reading rejects with ${code} (a NetError) on both surfaces`, async () => {
      const raw = await answering(write);
      try {
        const ses = freshSession("cut");
        const response = await ses.fetch(`${raw.origin}/`);
        await assert.rejects(
          response.text(),
          (e: unknown) => e instanceof NetError && e.code === code,
        );
        const request = net.request({ url: `${raw.origin}/`, session: ses });
        const seen = record(request);
        request.end();
        await seen.closed;
        assert.deepEqual(seen.events, [
          "finish",
          "response",
          "response:error",
          "response:close",
          "error",
          "close",
        ]);
        assert.equal((seen.errors[0] as NetError).code, code);
      } finally {
        await raw.close();
      }
    });
  }

  it("a complete chunked or Content-Length body still reads whole", async () => {
    const raw = await answering((socket) =>
      socket.end(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      )
    );
    try {
      const response = await freshSession("whole").fetch(`${raw.origin}/`);
      assert.equal(await response.text(), "hello");
    } finally {
      await raw.close();
    }
  });
});
