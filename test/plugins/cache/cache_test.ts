import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AddressInfo, createServer } from "node:net";
import { type NetError, session } from "../../../mod.ts";
import { type CountingServer, countingServer } from "./_counting_server.ts";

let server: CountingServer;
before(async () => {
  server = await countingServer();
});
after(async () => {
  await server.close();
});

function fresh(options?: { cache?: boolean }) {
  return session.fromPartition(`cache-${Math.random().toString(36).slice(2)}`, options);
}

type Ses = ReturnType<typeof fresh>;

/** Fetches a path, reads the body, and waits for the cache to store it. */
async function get(ses: Ses, path: string, init?: RequestInit & Record<string, unknown>) {
  const response = await ses.fetch(`${server.url}${path}`, init);
  const text = await response.text();
  await ses.getCacheSize();
  return { status: response.status, text, headers: response.headers };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("cache: freshness", () => {
  it("serves a max-age response from the cache until it is stale", async () => {
    const ses = fresh();
    const start = server.hits("/max-age");
    const first = await get(ses, "/max-age");
    const second = await get(ses, "/max-age");
    const third = await get(ses, "/max-age");
    assert.equal(first.text, second.text);
    assert.equal(third.text, first.text);
    assert.match(second.headers.get("age") ?? "", /^\d+$/, "a hit carries its Age");
    assert.equal(server.hits("/max-age"), start + 1);
    const before = server.hits("/max-age");
    await get(fresh(), "/max-age");
    assert.equal(server.hits("/max-age"), before + 1, "another partition has its own cache");
  });

  it("honours Expires, and the 10% heuristic of Last-Modified", async () => {
    const ses = fresh();
    for (const path of ["/expires", "/heuristic"]) {
      const before = server.hits(path);
      await get(ses, path);
      await get(ses, path);
      assert.equal(server.hits(path), before + 1, path);
    }
    const before = server.hits("/expired");
    await get(ses, "/expired");
    await get(ses, "/expired");
    assert.equal(server.hits("/expired"), before + 2, "an Expires in the past is stale at once");
  });

  it("cache: false turns the cache off (every request reaches the server)", async () => {
    const ses = fresh({ cache: false });
    const before = server.hits("/max-age");
    for (let i = 0; i < 3; i++) await get(ses, "/max-age");
    assert.equal(server.hits("/max-age"), before + 3);
    assert.equal(await ses.getCacheSize(), 0);
  });

  it("does not store no-store responses, but stores private ones (a private cache)", async () => {
    const ses = fresh();
    const a = server.hits("/no-store");
    await get(ses, "/no-store");
    await get(ses, "/no-store");
    assert.equal(server.hits("/no-store"), a + 2);
    const b = server.hits("/private");
    await get(ses, "/private");
    await get(ses, "/private");
    assert.equal(server.hits("/private"), b + 1);
  });

  it("keys by Vary: another Accept-Language goes to the server", async () => {
    const ses = fresh();
    const before = server.hits("/vary");
    const en = await get(ses, "/vary", { headers: { "accept-language": "en" } });
    const again = await get(ses, "/vary", { headers: { "accept-language": "en" } });
    assert.equal(again.text, en.text);
    const fr = await get(ses, "/vary", { headers: { "accept-language": "fr" } });
    assert.match(fr.text, /^fr /);
    assert.equal(server.hits("/vary"), before + 2);
  });
});

describe("cache: validation", () => {
  it("revalidates no-cache responses with If-None-Match and merges the 304", async () => {
    const ses = fresh();
    const before = server.hits("/etag");
    const first = await get(ses, "/etag");
    const second = await get(ses, "/etag");
    assert.equal(server.hits("/etag"), before + 2, "no-cache: every use is validated");
    assert.equal(server.last("/etag")?.get("if-none-match"), '"v1"');
    assert.equal(second.status, 200);
    assert.equal(second.text, first.text, "the stored body answers the 304");
    assert.equal(second.headers.get("x-fresh"), String(before + 2), "the 304's headers merged");
  });

  it("revalidates with If-Modified-Since", async () => {
    const ses = fresh();
    const first = await get(ses, "/last-modified");
    const second = await get(ses, "/last-modified");
    assert.ok(server.last("/last-modified")?.get("if-modified-since"));
    assert.equal(second.text, first.text);
    assert.equal(second.status, 200);
  });

  it("takes a new body when the validator no longer matches", async () => {
    const ses = fresh();
    const first = await get(ses, "/changed");
    const second = await get(ses, "/changed");
    assert.notEqual(second.text, first.text);
    assert.equal(
      server.last("/changed")?.get("if-none-match"),
      first.text.replace("changed ", '"c') + '"',
    );
  });

  it("must-revalidate: fresh responses are served, stale ones validated", async () => {
    const ses = fresh();
    const path = "/must-revalidate";
    let before = server.hits(path);
    await get(ses, `${path}?fresh=60`);
    await get(ses, `${path}?fresh=60`);
    assert.equal(server.hits(path), before + 1);
    before = server.hits(path);
    await get(ses, `${path}?fresh=0`);
    await get(ses, `${path}?fresh=0`);
    assert.equal(server.hits(path), before + 2);
    assert.equal(server.last(path)?.get("if-none-match"), '"m"');
  });

  it("stale-while-revalidate: serves the stale response and updates it in the background", async () => {
    const ses = fresh();
    const first = await get(ses, "/swr");
    await sleep(2100);
    const stale = await get(ses, "/swr");
    assert.equal(stale.text, first.text, "the stale response answers at once");
    await ses.getCacheSize(); // the background revalidation has landed
    const updated = await get(ses, "/swr");
    assert.notEqual(updated.text, first.text);
  });
});

describe("cache: requests", () => {
  it("a response says nothing about caching: stored stale, its URL and status kept, force-cache serves it", async () => {
    const ses = fresh();
    const url = `${server.url}/nothing-here?q=1`;
    const before = server.hits("/nothing-here");
    for (let i = 0; i < 3; i++) {
      const response = await ses.fetch(url);
      assert.equal(response.url, url);
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "not found");
    }
    await ses.getCacheSize();
    assert.equal(server.hits("/nothing-here"), before + 3, "never served fresh");
    const stale = await ses.fetch(url, { cache: "force-cache" });
    assert.equal(stale.url, url);
    assert.equal(stale.status, 404);
    assert.equal(await stale.text(), "not found");
    assert.equal(server.hits("/nothing-here"), before + 3, "force-cache took the stored one");
    const onlyIfCached = await ses.fetch(url, { cache: "only-if-cached" } as RequestInit);
    assert.equal(await onlyIfCached.text(), "not found");
    assert.equal(server.hits("/nothing-here"), before + 3);
  });

  it("the request's Cache-Control: no-cache revalidates, max-age=0 too", async () => {
    const ses = fresh();
    const before = server.hits("/max-age");
    await get(ses, "/max-age");
    await get(ses, "/max-age", { headers: { "cache-control": "no-cache" } });
    await get(ses, "/max-age", { headers: { "cache-control": "max-age=0" } });
    assert.equal(server.hits("/max-age"), before + 3);
  });

  it("only-if-cached: the stored response, or net::ERR_CACHE_MISS", async () => {
    const ses = fresh();
    await assert.rejects(
      ses.fetch(`${server.url}/max-age`, { headers: { "cache-control": "only-if-cached" } }),
      (error: NetError) => error.code === "net::ERR_CACHE_MISS",
    );
    const stored = await get(ses, "/max-age");
    const before = server.hits("/max-age");
    const cached = await get(ses, "/max-age", { cache: "only-if-cached", mode: "same-origin" });
    assert.equal(cached.text, stored.text);
    assert.equal(server.hits("/max-age"), before);
  });

  it("fetch's cache modes: no-store, reload, force-cache", async () => {
    const ses = fresh();
    const before = server.hits("/expired");
    await get(ses, "/expired");
    await get(ses, "/expired", { cache: "force-cache" });
    assert.equal(server.hits("/expired"), before + 1, "force-cache uses a stale entry");
    const again = await get(ses, "/expired", { headers: { "x-probe": "1" } });
    assert.equal(server.hits("/expired"), before + 2, "the default mode does not use it");
    assert.equal(server.last("/expired")?.get("x-probe"), "1", "with the request's headers");
    assert.equal(again.text, `expired ${server.hits("/expired")}`);
    const forced = await get(ses, "/expired", { cache: "force-cache" });
    assert.equal(forced.text, again.text, "force-cache gets the newest answer");
    assert.equal(server.hits("/expired"), before + 2);
    await get(ses, "/max-age");
    const n = server.hits("/max-age");
    await get(ses, "/max-age", { cache: "no-store" });
    await get(ses, "/max-age", { cache: "reload" });
    assert.equal(server.hits("/max-age"), n + 2);
    await assert.rejects(
      ses.fetch(`${server.url}/max-age`, { cache: "sometimes" } as never),
      (error: NetError) =>
        error.code === "net::ERR_INVALID_ARGUMENT" &&
        /cache option must be one of/.test(error.message),
    );
  });

  it("a POST invalidates the stored response of its URL", async () => {
    const ses = fresh();
    const path = "/resource-1";
    await get(ses, path);
    await get(ses, path);
    assert.equal(server.hits(path), 1);
    await get(ses, path, { method: "POST", body: "x" });
    await get(ses, path);
    assert.equal(server.hits(path), 3);
  });

  it("a Range request on a stored response is answered from the cache", async () => {
    const ses = fresh();
    const full = await get(ses, "/big");
    assert.equal(full.text.length, 64 * 1024);
    const before = server.hits("/big");
    const response = await ses.fetch(`${server.url}/big`, { headers: { range: "bytes=10-19" } });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-range"), `bytes 10-19/${64 * 1024}`);
    assert.equal((await response.arrayBuffer()).byteLength, 10);
    assert.equal(server.hits("/big"), before);
    const uncached = await fresh().fetch(`${server.url}/big`, { headers: { range: "bytes=0-3" } });
    assert.equal(uncached.status, 200, "without an entry the Range goes to the server as is");
    await uncached.body?.cancel();
  });

  it("does not store Set-Cookie, and the cookie jar still gets it from the network", async () => {
    const ses = fresh();
    const first = await ses.fetch(`${server.url}/cookie`);
    assert.ok(first.headers.get("set-cookie"));
    await first.text();
    await ses.getCacheSize();
    const second = await ses.fetch(`${server.url}/cookie`);
    assert.equal(second.headers.get("set-cookie"), null);
    await second.text();
    const cookies = await ses.cookies.get({ name: "n" });
    assert.equal(cookies.length, 1);
  });

  it("a small body cut short fails when read, and is not stored", async () => {
    // Content-Length 100, ten bytes, then the connection closes.
    const origin = createServer((socket) => {
      socket.on("data", () => {
        socket.end(
          "HTTP/1.1 200 OK\r\ncache-control: max-age=60\r\ncontent-length: 100\r\n\r\n0123456789",
        );
      });
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const { port } = origin.address() as AddressInfo;
    try {
      const ses = fresh();
      const url = `http://127.0.0.1:${port}/cut`;
      const response = await ses.fetch(url);
      assert.equal(response.status, 200);
      await assert.rejects(response.arrayBuffer());
      await ses.getCacheSize();
      await assert.rejects(
        ses.fetch(url, { cache: "only-if-cached", mode: "same-origin" }),
        (error: NetError) => error.code === "net::ERR_CACHE_MISS",
      );
    } finally {
      origin.close();
    }
  });

  it("webRequest sees fromCache true for hits", async () => {
    const ses = fresh();
    const seen: boolean[] = [];
    ses.webRequest.onCompleted((details) => seen.push(details.fromCache as boolean));
    await get(ses, "/max-age");
    await get(ses, "/max-age");
    await sleep(10);
    assert.deepEqual(seen, [false, true]);
  });
});

describe("cache: size and clearing", () => {
  it("getCacheSize counts the bodies; clearCache empties it", async () => {
    const ses = fresh();
    assert.equal(await ses.getCacheSize(), 0);
    await get(ses, "/big");
    const size = await ses.getCacheSize();
    assert.ok(size >= 64 * 1024 && size < 66 * 1024, `size ${size}`);
    await ses.clearCache();
    assert.equal(await ses.getCacheSize(), 0);
    const before = server.hits("/big");
    await get(ses, "/big");
    assert.equal(server.hits("/big"), before + 1);
  });

  it("evicts the least recently used entries past the limit", async () => {
    const { createCachePlugin } = await import("../../../plugins/cache/mod.ts");
    const ses = session.fromPartition(`cache-lru-${Math.random()}`, {
      plugins: [createCachePlugin({ maxMemorySize: 8 * 70 * 1024 })],
    });
    await get(ses, "/big");
    await get(ses, "/max-age");
    const big = server.hits("/big");
    await get(ses, "/big");
    assert.equal(server.hits("/big"), big, "a 64 KiB entry fits (an eighth of the limit)");
    const small = await createCachePlugin({ maxMemorySize: 64 * 1024 });
    const tiny = session.fromPartition(`cache-tiny-${Math.random()}`, { plugins: [small] });
    await get(tiny, "/big");
    await get(tiny, "/big");
    assert.equal(server.hits("/big"), big + 2, "too large for an eighth of 64 KiB: not stored");
    assert.equal(await tiny.getCacheSize(), 0);
  });

  it("clearStorageData({ storages: ['cache'] }) clears the cache and keeps cookies", async () => {
    const ses = fresh();
    await get(ses, "/cookie");
    assert.ok(await ses.getCacheSize() > 0);
    await ses.clearStorageData({ storages: ["cache"] });
    assert.equal(await ses.getCacheSize(), 0);
    assert.equal((await ses.cookies.get({ name: "n" })).length, 1);
  });
});
