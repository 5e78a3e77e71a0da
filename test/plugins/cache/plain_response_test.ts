// A response that says nothing about caching keeps the transport's own reads: the cache copies
// its body when the caller reads it (plugins/cache/_keep_on_read.ts), whichever reader.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { net, session } from "../../../mod.ts";

let server: Server;
let origin = "";
let hits = 0;
/** What `/toggle` answers next: a fresh response, or one without caching headers. */
let fresh = true;

before(async () => {
  server = createServer((request, response) => {
    hits++;
    if (request.url === "/toggle" && fresh) {
      response.writeHead(200, { "cache-control": "max-age=600", "content-length": "5" });
      return response.end("fresh");
    }
    response.writeHead(200, { "content-type": "text/plain", "content-length": "5" });
    response.end("plain");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fromPartition = () => session.fromPartition(`plain-${Math.random().toString(36).slice(2)}`);

function requestText(ses: ReturnType<typeof fromPartition>, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = net.request({ url, session: ses });
    let text = "";
    request.on("response", (response) => {
      response.on("data", (chunk) => (text += String(chunk)));
      response.on("end", () => resolve(text));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("cache: a response that says nothing about caching", () => {
  it("read through net.request (its body stream), it is stored: force-cache answers it", async () => {
    const ses = fromPartition();
    const url = `${origin}/plain?net`;
    assert.equal(await requestText(ses, url), "plain");
    await ses.getCacheSize();
    const before = hits;
    const forced = await ses.fetch(url, { cache: "force-cache" });
    assert.equal(await forced.text(), "plain");
    assert.equal(hits, before, "answered from the cache");
  });

  it("read with json(), bytes() or a blob, it is stored the same", async () => {
    const ses = fromPartition();
    const readers = [
      (r: Response) => r.bytes(),
      (r: Response) => r.blob(),
      (r: Response) => r.text(),
    ];
    for (const [i, read] of readers.entries()) {
      const url = `${origin}/plain?reader=${i}`;
      await read(await ses.fetch(url));
      await ses.getCacheSize();
      const before = hits;
      assert.equal(
        await (await ses.fetch(url, { cache: "only-if-cached", mode: "same-origin" })).text(),
        "plain",
      );
      assert.equal(hits, before);
    }
  });

  it("outdates a fresh entry of its URL when it arrives, before its body is read", async () => {
    const ses = fromPartition();
    const url = `${origin}/toggle`;
    fresh = true;
    assert.equal(await (await ses.fetch(url)).text(), "fresh");
    await ses.getCacheSize();
    fresh = false;
    const reloaded = await ses.fetch(url, { cache: "reload" });
    await ses.getCacheSize();
    const before = hits;
    const second = await ses.fetch(url);
    assert.equal(await second.text(), "plain", "the fresh entry is gone");
    assert.equal(hits, before + 1);
    assert.equal(await reloaded.text(), "plain");
  });
});
