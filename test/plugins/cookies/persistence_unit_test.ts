import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../../../plugins/cookies/_tldts.ts";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { CookieJar } from "../../../plugins/cookies/jar.ts";
import { CookiePersistence } from "../../../plugins/cookies/persistence.ts";
import {
  fromByteString,
  fromRow,
  toByteString,
  toRow,
} from "../../../plugins/cookies/serialize.ts";

describe("CookiePersistence with a memory store", () => {
  it("writes changes in one batch, restores order, drops expired and session cookies", async () => {
    const store = new MemoryStore();
    let batches = 0;
    const counting = {
      ...store,
      batch: (ops: Parameters<MemoryStore["batch"]>[0]) => {
        batches++;
        return store.batch(ops);
      },
      list: (p: string) => store.list(p),
      flush: () => store.flush(),
    };
    const jar = new CookieJar();
    const persistence = new CookiePersistence(jar, counting as never);
    await persistence.load();
    jar.setCookie("b=1; Max-Age=600; Path=/", "https://x.test/");
    jar.setCookie("a=2; Max-Age=600; Path=/", "https://x.test/");
    jar.setCookie("s=3", "https://x.test/");
    jar.setCookie("gone=4; Max-Age=600", "https://x.test/");
    jar.setCookie("gone=4; Max-Age=0", "https://x.test/");
    await persistence.flush();
    assert.equal(batches, 1);
    assert.equal((await store.list("")).length, 3);

    const again = new CookieJar();
    await new CookiePersistence(again, counting as never).load();
    assert.equal(again.cookieHeader("https://x.test/"), "b=1; a=2");
    const withSession = new CookieJar();
    await new CookiePersistence(withSession, counting as never, { restoreSessionCookies: true })
      .load();
    assert.equal(withSession.cookieHeader("https://x.test/"), "b=1; a=2; s=3");
  });
});

describe("CookiePersistence with a store shared between processes", () => {
  /** A memory store with `watch` (so shared) whose batches wait until `release` is called. */
  function sharedStore() {
    const store = new MemoryStore();
    const batches: string[][] = [];
    let release = () => {};
    const shared = {
      get: (key: string) => store.get(key),
      list: (prefix: string) => store.list(prefix),
      flush: () => store.flush(),
      watch: () => () => {},
      batch: async (ops: Parameters<MemoryStore["batch"]>[0]) => {
        batches.push(ops.map((o) => `${o.op} ${o.key}`));
        await new Promise<void>((resolve) => (release = resolve));
        await store.batch(ops);
      },
    };
    return { store, shared, batches, release: () => release() };
  }

  /** Lets queued microtasks run (no timer can fire meanwhile). */
  async function microtasks() {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }

  it("writes a change in the same turn, with no timer, and an overwrite as one batch", async () => {
    const { shared, batches, release } = sharedStore();
    const jar = new CookieJar();
    const persistence = new CookiePersistence(jar, shared as never);
    await persistence.load();
    jar.setCookie("a=1; Max-Age=600", "https://x.test/");
    await microtasks();
    assert.equal(batches.length, 1, "written before any timer could fire");
    assert.equal(batches[0].length, 1);
    assert.match(batches[0][0], /^set c\//);
    release();
    jar.setCookie("a=2; Max-Age=600", "https://x.test/"); // removes a=1, inserts a=2
    await microtasks();
    assert.equal(batches.length, 2);
    assert.equal(batches[1].length, 1);
    assert.match(batches[1][0], /^set c\//);
    release();
    await persistence.flush();
  });

  it("gathers the changes made while a write is in flight into the next batch", async () => {
    const { store, shared, batches, release } = sharedStore();
    const jar = new CookieJar();
    const persistence = new CookiePersistence(jar, shared as never);
    await persistence.load();
    jar.setCookie("a=1; Max-Age=600", "https://x.test/");
    await microtasks();
    for (const name of ["b", "c", "d"]) {
      jar.setCookie(`${name}=1; Max-Age=600`, "https://x.test/");
      await microtasks();
    }
    assert.equal(batches.length, 1, "nothing else is sent while the first write is in flight");
    release();
    await microtasks();
    assert.equal(batches.length, 2);
    assert.equal(batches[1].length, 3);
    release();
    await persistence.flush();
    assert.equal((await store.list("c/")).length, 4);
  });
});

describe("serialize", () => {
  it("round-trips rows and UTF-8 header bytes", () => {
    const jar = new CookieJar();
    const { cookie } = jar.setCookie(
      "a=1; Domain=x.test; Secure; Max-Age=60",
      "https://www.x.test/",
    );
    const back = fromRow(JSON.parse(JSON.stringify(toRow(cookie!))))!;
    assert.deepEqual(back.toJSON(), cookie!.toJSON());
    assert.equal(fromRow(["bad"]), null);
    assert.equal(toByteString("春"), "\u00e6\u0098\u00a5");
    assert.equal(fromByteString("\u00e6\u0098\u00a5"), "春");
  });
});
