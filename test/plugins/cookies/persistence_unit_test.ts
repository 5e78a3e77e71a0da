import { describe, it } from "node:test";
import assert from "node:assert/strict";
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
