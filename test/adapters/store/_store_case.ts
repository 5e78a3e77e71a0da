/**
 * The store contract suite: every store adapter runs it.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Store } from "../../../kernel/store.ts";
import { namespacedStore } from "../../../kernel/store.ts";

/**
 * Runs the contract against stores made by `open` (a fresh, empty store each call).
 *
 * @example
 * ```ts
 * storeContract("memory", () => new MemoryStore());
 * ```
 */
export function storeContract(name: string, open: () => Store | Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    it("gets what was set, and undefined for a missing key", async () => {
      const store = await open();
      assert.equal(await store.get("missing"), undefined);
      await store.set("a", { nested: [1, "two", null, true] });
      assert.deepEqual(await store.get("a"), { nested: [1, "two", null, true] });
      await store.set("a", 2);
      assert.equal(await store.get("a"), 2);
      await store.close();
    });

    it("deletes, and deleting a missing key is fine", async () => {
      const store = await open();
      await store.set("a", 1);
      await store.delete("a");
      await store.delete("never");
      assert.equal(await store.get("a"), undefined);
      await store.close();
    });

    it("lists by prefix in key order", async () => {
      const store = await open();
      for (const key of ["b/2", "a/1", "b/1", "b", "c/1", "b/\u00e9"]) await store.set(key, key);
      assert.deepEqual((await store.list("b/")).map(([k]) => k), ["b/1", "b/2", "b/\u00e9"]);
      assert.deepEqual((await store.list("")).length, 6);
      assert.deepEqual(await store.list("zzz"), []);
      await store.close();
    });

    it("applies a batch atomically: a bad operation leaves everything as it was", async () => {
      const store = await open();
      await store.set("keep", "old");
      await assert.rejects(
        () =>
          store.batch([
            { op: "set", key: "keep", value: "new" },
            { op: "set", key: "bad", value: undefined as never },
          ]),
        (error: Error) => error instanceof TypeError && /"bad"/.test(error.message),
      );
      assert.equal(await store.get("keep"), "old");
      assert.equal(await store.get("bad"), undefined);
      await store.batch([
        { op: "set", key: "x", value: 1 },
        { op: "delete", key: "keep" },
      ]);
      assert.equal(await store.get("x"), 1);
      assert.equal(await store.get("keep"), undefined);
      await store.close();
    });

    it("rejects an unknown operation and a non-string key", async () => {
      const store = await open();
      await assert.rejects(
        () => store.batch([{ op: "merge", key: "k" } as never]),
        /Unknown store operation "merge"/,
      );
      await assert.rejects(() => store.set(1 as never, 1), /key must be a string/);
      await store.close();
    });

    it("hands out copies: mutating a value does not change the store", async () => {
      const store = await open();
      const value = { list: [1] };
      await store.set("v", value);
      value.list.push(2);
      const got = (await store.get("v")) as { list: number[] };
      got.list.push(3);
      assert.deepEqual(await store.get("v"), { list: [1] });
      await store.close();
    });

    it("flushes, and refuses calls after close", async () => {
      const store = await open();
      await store.set("a", 1);
      await store.flush();
      await store.close();
      await assert.rejects(async () => await store.get("a"), /closed/);
    });

    it("namespaces keys under a prefix", async () => {
      const store = await open();
      const view = namespacedStore(store, "plugin/");
      await view.set("k", 1);
      await view.batch([{ op: "set", key: "j", value: 2 }]);
      assert.deepEqual(await view.list(""), [["j", 2], ["k", 1]]);
      assert.equal(await store.get("plugin/k"), 1);
      await store.close();
    });
  });
}
