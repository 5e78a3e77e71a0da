// A GET (or HEAD) with a body is sent, as Electron sends it, through node:http on Deno and Bun,
// with the header names as set; write('') on a GET is a plain GET. The server is node:http, which
// reads GET bodies and keeps the raw header names.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { net, session } from "../../../mod.ts";
import type { IncomingMessage } from "../../../mod.ts";

let server: Server;
let origin = "";
before(async () => {
  server = createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({
        method: req.method,
        body: Buffer.concat(chunks).toString(),
        rawHeaders: req.rawHeaders,
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
const partitions: string[] = [];
after(async () => {
  for (const p of partitions) await session.closePartition(p);
  await new Promise((resolve) => server.close(resolve));
});

function send(method: string, body: string | null, headers: Record<string, string> = {}) {
  const ses = session.fromPartition(`bodied-get-${Math.random()}`);
  partitions.push(ses.partition);
  return new Promise<{ status: number; json: Record<string, unknown> | null }>(
    (resolve, reject) => {
      const request = net.request({ method, url: `${origin}/echo`, session: ses });
      for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
      request.on("response", (response: IncomingMessage) => {
        let text = "";
        response.on("data", (c) => (text += c));
        response.on(
          "end",
          () => resolve({ status: response.statusCode, json: text ? JSON.parse(text) : null }),
        );
      });
      request.on("error", reject);
      if (body !== null) {
        request.write(body);
      }
      request.end();
    },
  );
}

describe("GET and HEAD with a body", () => {
  it("a GET body reaches the server", async () => {
    const { status, json } = await send("GET", "query-in-body", { "X-Request-Id": "abc" });
    assert.equal(status, 200);
    assert.equal(json!.method, "GET");
    assert.equal(json!.body, "query-in-body");
    const raw = json!.rawHeaders as string[];
    assert.ok(raw.includes("X-Request-Id"), `header names as set: ${raw.join(",")}`);
  });

  it("write('') on a GET is a plain GET", async () => {
    const { status, json } = await send("GET", "");
    assert.equal(status, 200);
    assert.equal(json!.body, "");
  });

  it("a HEAD with a body gets the status, no body", async () => {
    const { status, json } = await send("HEAD", "x");
    assert.equal(status, 200);
    assert.equal(json, null);
  });
});
