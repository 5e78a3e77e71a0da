/**
 * Cookies of persist: partitions in the partition's SQLite store: across a restart of the
 * session's process, after a SIGKILL (nothing that flushStore() acknowledged is lost), session
 * cookies dropped unless asked for, and a burst of Set-Cookie headers written in one transaction.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { configure, getConfig, session, SqliteStore } from "../../../mod.ts";
import type { Store } from "../../../mod.ts";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { runChild } from "../../_process.ts";

const child = new URL("./_persist_child.ts", import.meta.url).pathname;

/** Runs the child; once it prints `until`, its unflushed writes get 50 ms, then it is killed. */
async function run(args: string[], until?: string) {
  const ran = await runChild(child, args, (out) => until !== undefined && out.includes(until), 50);
  return { out: ran.out, code: ran.code };
}

let server: TestServer;
const roots: string[] = [];
function root(): string {
  const dir = mkdtempSync(`${tmpdir()}/websession-cookies-`);
  roots.push(dir);
  return dir;
}
before(async () => {
  server = await serve((request) => {
    const headers = new Headers();
    const url = new URL(request.url);
    for (const line of url.searchParams.getAll("set")) headers.append("set-cookie", line);
    return new Response("ok", { headers });
  });
});
after(async () => {
  await server.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe("cookies of persist: partitions", () => {
  it("survive a restart of the process; session cookies only when asked for", async () => {
    const dir = root();
    const wrote = await run(["write", dir, server.url]);
    assert.equal(wrote.code, 0);
    assert.match(wrote.out, /flushed/);
    const read = await run(["read", dir]);
    assert.deepEqual(JSON.parse(read.out), ["api=4", "persistent=1"]);
    const restored = await run(["read", dir, "restore"]);
    assert.deepEqual(JSON.parse(restored.out), ["api=4", "persistent=1", "session=2"]);
  });

  it("keep everything flushStore() acknowledged when the process is killed with SIGKILL", async () => {
    const dir = root();
    const crashed = await run(["write-and-hang", dir, server.url], "flushed");
    assert.equal(crashed.code, null); // killed by the signal
    const read = await run(["read", dir]);
    const names: string[] = JSON.parse(read.out);
    assert.ok(names.includes("api=4") && names.includes("persistent=1"), read.out);
    assert.ok(!names.includes("gone=3"));
  });
});

describe("batched writes", () => {
  const original = getConfig().store;
  after(() => configure({ store: original }));

  it("write a burst of 50 Set-Cookie headers in one transaction", async () => {
    const dir = root();
    let batches = 0;
    let operations = 0;
    configure({
      // The partition's own folder is not used: the store lives in this test's temp folder.
      store: () => {
        const inner: Store = new SqliteStore(`${dir}/websession.db`);
        return {
          ...inner,
          get: (k) => inner.get(k),
          set: (k, v) => inner.set(k, v),
          delete: (k) => inner.delete(k),
          list: (p) => inner.list(p),
          flush: () => inner.flush(),
          close: () => inner.close(),
          batch: (ops) => {
            batches++;
            operations += ops.length;
            return inner.batch(ops);
          },
        };
      },
    });
    const ses = session.fromPartition(`persist:burst-${Date.now()}`, {
      preset: false,
      plugins: [cookiesPlugin],
    });
    await ses.ready;
    const q = Array.from(
      { length: 50 },
      (_, i) => `set=${encodeURIComponent(`c${i}=${i}; Max-Age=600`)}`,
    )
      .join("&");
    await (await ses.fetch(`${server.url}/set?${q}`)).text();
    await ses.cookies.flushStore();
    assert.equal(batches, 1);
    assert.equal(operations, 50);
    await session.closePartition(ses.partition);
  });
});
