import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { createClient } from "redis";
import { RedisStore, RedisStoreError } from "../../../adapters/store/redis.ts";
import type { StoreChange } from "../../../kernel/store.ts";
import { storeContract } from "./_store_case.ts";
import { type RedisServer, startRedis } from "../../_redis.ts";
import { needs } from "../../_system.ts";
import { freePort } from "../../plugins/proxy/_servers.ts";

let redis: RedisServer;
let n = 0;
const opened: RedisStore[] = [];
const open = async (partition = `persist:contract-${++n}`, writeTimeout?: number) => {
  const store = new RedisStore({ url: redis.url, partition, writeTimeout });
  opened.push(store);
  await store.ready;
  return store;
};

describe("RedisStore", () => {
  needs("redis-server");
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    await redis?.close();
  });

  storeContract("redis", () => open());

  it("shares one partition between stores: a change in one is seen, and watched, by the other", async () => {
    const a = await open("persist:shared");
    const b = await open("persist:shared");
    const seen: StoreChange[][] = [];
    const heard = new Promise<void>((resolve) =>
      b.watch((changes) => {
        seen.push(changes);
        resolve();
      })
    );
    await a.batch([{ op: "set", key: "cookies/c/x", value: { v: 1 } }, {
      op: "set",
      key: "other",
      value: 2,
    }]);
    await heard;
    assert.deepEqual(seen[0], [
      { key: "cookies/c/x", value: { v: 1 }, previous: undefined },
      { key: "other", value: 2, previous: undefined },
    ]);
    assert.deepEqual(await b.get("cookies/c/x"), { v: 1 });
    const deleted = new Promise<StoreChange[]>((resolve) => b.watch(resolve));
    await a.delete("other");
    assert.deepEqual(await deleted, [{ key: "other", value: undefined, previous: 2 }]);
  });

  it("two writers racing on one partition lose nothing", async () => {
    const a = await open("persist:race");
    const b = await open("persist:race");
    await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => a.set(`a/${i}`, i)),
      ...Array.from({ length: 100 }, (_, i) => b.set(`b/${i}`, i)),
    ]);
    const fresh = await open("persist:race");
    assert.equal((await fresh.list("")).length, 200);
  });

  it("two writers racing on the same keys end with Redis's order in both copies", async () => {
    const a = await open("persist:same-keys");
    const b = await open("persist:same-keys");
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a : b).batch([
          { op: "set", key: `host/${i % 4}`, value: `${i % 2 ? "a" : "b"}${i}` },
          ...(i % 7 === 0 ? [{ op: "delete" as const, key: `host/${(i + 1) % 4}` }] : []),
        ])),
    );
    const reader = await open("persist:same-keys");
    const truth = await reader.list("");
    let copies: unknown[] = [];
    for (let i = 0; i < 100; i++) {
      copies = [await a.list(""), await b.list("")];
      if (copies.every((copy) => JSON.stringify(copy) === JSON.stringify(truth))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(copies, [truth, truth]);
    assert.ok(truth.length > 0);
  });

  it("answers reads from its copy while Redis restarts; a write waits and lands", async () => {
    const store = await open("persist:restart");
    await store.set("kept", "before");
    await redis.stop();
    assert.equal(await store.get("kept"), "before");
    const write = store.set("during", "queued");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await redis.start();
    await write;
    const fresh = await open("persist:restart");
    assert.deepEqual(await fresh.list(""), [["during", "queued"], ["kept", "before"]]);
  });

  it("rejects a write with one clear line when Redis stays away longer than writeTimeout, and applies none of it", async () => {
    const store = await open("persist:away", 300);
    await store.set("kept", 1);
    await redis.stop();
    try {
      await assert.rejects(store.set("lost", 2), (error: Error) => {
        assert.ok(error instanceof RedisStoreError);
        assert.match(
          error.message,
          /^Redis store redis:\/\/127\.0\.0\.1:\d+\/?: the write was not acknowledged within 300 ms/,
        );
        assert.ok(!error.message.includes("\n"));
        return true;
      });
      assert.equal(await store.get("lost"), undefined);
      assert.equal(await store.get("kept"), 1);
    } finally {
      await redis.start();
    }
    // Back again: the same store's writes land once it has reconnected (each try still held to
    // its 300 ms, which a reconnection on a loaded machine can take longer than).
    for (let tries = 1;; tries++) {
      try {
        await store.set("after", 3);
        break;
      } catch (error) {
        if (!(error instanceof RedisStoreError) || tries === 50) throw error;
      }
    }
    const fresh = await open("persist:away");
    assert.deepEqual(await fresh.list(""), [["after", 3], ["kept", 1]]);
  });

  it("loses nothing it acknowledged when its process is killed with SIGKILL", async () => {
    const script = `
      import { RedisStore } from ${
      JSON.stringify(new URL("../../../adapters/store/redis.ts", import.meta.url).href)
    };
      const store = new RedisStore({ url: ${
      JSON.stringify(redis.url)
    }, partition: "persist:kill" });
      for (let i = 0; ; i++) { await store.set("k" + i, i); console.log(i); }
    `;
    const runtime = (globalThis as { Deno?: { execPath(): string } }).Deno;
    const child = runtime
      ? spawn(runtime.execPath(), ["eval", script], { stdio: ["ignore", "pipe", "inherit"] })
      : spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let acknowledged = -1;
    await new Promise<void>((resolve) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        const lines = chunk.toString().trim().split("\n");
        acknowledged = Number(lines.at(-1));
        if (acknowledged >= 50) resolve();
      });
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    await redis.stop();
    await redis.start();
    const client = createClient({ url: redis.url });
    await client.connect();
    const stored = await client.hGetAll("websession:persist:kill");
    await client.quit();
    for (let i = 0; i <= acknowledged; i++) assert.equal(stored[`k${i}`], String(i), `k${i}`);
  });

  it("fails at open with one line for a bad URL, a refused port and a wrong password", async () => {
    assert.throws(
      () => new RedisStore({ url: "http://127.0.0.1:1", partition: "p" }),
      /Redis store http:\/\/127\.0\.0\.1:1\/: the scheme must be redis: or rediss:/,
    );
    assert.throws(() => new RedisStore({ url: "redis://x/abc", partition: "p" }), RedisStoreError);
    const closed = new RedisStore({ url: `redis://127.0.0.1:${await freePort()}`, partition: "p" });
    await assert.rejects(closed.ready, (error: Error) => {
      assert.ok(error instanceof RedisStoreError);
      assert.match(error.message, /^Redis store redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
    const locked = await startRedis("s3cret");
    try {
      const wrong = new RedisStore({
        url: `redis://:nope@127.0.0.1:${locked.port}`,
        partition: "p",
      });
      await assert.rejects(wrong.ready, (error: Error) => {
        assert.match(
          error.message,
          /^Redis store redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(WRONGPASS|invalid)/i,
        );
        return true;
      });
      const right = new RedisStore({
        url: `redis://:s3cret@127.0.0.1:${locked.port}`,
        partition: "p",
      });
      await right.ready;
      await right.set("a", 1);
      await right.close();
    } finally {
      await locked.close();
    }
  });
});
