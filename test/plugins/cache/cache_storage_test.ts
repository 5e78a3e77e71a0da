/**
 * The cache's storage with a store (a persistent partition's): entries are rows, volatile ones
 * (stale on arrival, no validator) stay in memory within their own bound, oldest first out.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import CachePolicy from "http-cache-semantics";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import {
  type CachedMeta,
  CacheStorage,
  VOLATILE_LIMIT,
} from "../../../plugins/cache/cache_storage.ts";

function meta(bodySize: number, cacheControl: string): CachedMeta {
  const policy = new CachePolicy(
    { url: "http://a.test/", method: "GET", headers: { host: "a.test" } },
    { status: 200, headers: { "cache-control": cacheControl } },
    { shared: false },
  );
  return {
    policy: policy.toObject(),
    status: 200,
    statusText: "OK",
    headers: [["cache-control", cacheControl]],
    bodySize,
  };
}

function storage(store: MemoryStore) {
  return new CacheStorage({ store, files: null, directory: null, maxSize: 80 * 1024 * 1024 });
}

const rows = async (store: MemoryStore) => (await store.list("e/")).map(([key]) => key.slice(2));

describe("cache storage of a persistent partition", () => {
  it("writes entries as rows, volatile ones only in memory", async () => {
    const store = new MemoryStore();
    const cache = storage(store);
    await cache.put("http://a.test/kept", meta(3, "max-age=60"), new Uint8Array([1, 2, 3]));
    await cache.put("http://a.test/gone", meta(2, "no-cache"), new Uint8Array([4, 5]), true);
    assert.deepEqual(await rows(store), ["http://a.test/kept"]);
    assert.deepEqual((await cache.get("http://a.test/gone"))?.body, new Uint8Array([4, 5]));
    assert.deepEqual(cache.urls(), ["http://a.test/kept", "http://a.test/gone"]);
  });

  it("a volatile answer replaces the row of the URL", async () => {
    const store = new MemoryStore();
    const cache = storage(store);
    await cache.put("http://a.test/x", meta(1, "max-age=60"), new Uint8Array([1]));
    assert.deepEqual(await rows(store), ["http://a.test/x"]);
    await cache.put("http://a.test/x", meta(1, "no-cache"), new Uint8Array([2]), true);
    assert.deepEqual(await rows(store), []);
    assert.deepEqual((await cache.get("http://a.test/x"))?.body, new Uint8Array([2]));
  });

  it("a volatile entry is in place when put returns, with a promise only when rows go", async () => {
    const store = new MemoryStore();
    const cache = storage(store);
    const first = cache.put("http://a.test/v", meta(1, "no-cache"), new Uint8Array([1]), true);
    assert.equal(first, undefined, "nothing to write, nothing to wait for");
    assert.equal(cache.peek("http://a.test/v")?.bodySize, 1);
    await cache.put("http://a.test/row", meta(1, "max-age=60"), new Uint8Array([2]));
    const replacing = cache.put(
      "http://a.test/row",
      meta(1, "no-cache"),
      new Uint8Array([3]),
      true,
    );
    assert.ok(replacing instanceof Promise, "the URL's row is deleted");
    assert.deepEqual(cache.peek("http://a.test/row")?.headers, [["cache-control", "no-cache"]]);
    await replacing;
    assert.deepEqual(await rows(store), []);
  });

  it("replacing an entry and evicting another is one batch of the store", async () => {
    const store = new MemoryStore();
    const batches: string[][] = [];
    const batch = store.batch.bind(store);
    store.batch = (operations) => {
      batches.push(operations.map((o) => `${o.op} ${o.key.slice(2)}`));
      return batch(operations);
    };
    const cache = new CacheStorage({ store, files: null, directory: null, maxSize: 200 });
    await cache.put("http://a.test/1", meta(40, "max-age=60"), new Uint8Array(40));
    await cache.put("http://a.test/2", meta(40, "max-age=60"), new Uint8Array(40));
    batches.length = 0;
    await cache.put("http://a.test/2", meta(90, "max-age=60"), new Uint8Array(90));
    assert.deepEqual(batches, [[
      "delete http://a.test/2",
      "set http://a.test/2",
      "delete http://a.test/1",
    ]]);
    assert.deepEqual(await rows(store), ["http://a.test/2"]);
    assert.deepEqual(cache.urls(), ["http://a.test/2"]);
  });

  it("keeps volatile entries within their bound, the oldest going first", async () => {
    const store = new MemoryStore();
    const cache = storage(store);
    const size = 1024 * 1024;
    const count = Math.floor(VOLATILE_LIMIT / size) + 2;
    for (let i = 0; i < count; i++) {
      await cache.put(`http://a.test/${i}`, meta(size, "no-cache"), new Uint8Array(size), true);
    }
    const kept = cache.urls();
    assert.ok(kept.length < count, `${kept.length} of ${count} kept`);
    assert.ok(cache.size() <= VOLATILE_LIMIT, `${cache.size()} bytes`);
    assert.equal(kept.at(-1), `http://a.test/${count - 1}`, "the newest is kept");
    assert.ok(!kept.includes("http://a.test/0"), "the oldest went first");
    await cache.clear();
    assert.equal(cache.size(), 0);
    await cache.put("http://a.test/again", meta(size, "no-cache"), new Uint8Array(size), true);
    assert.equal(cache.size() > size, true, "the bound starts over after clear()");
  });
});
