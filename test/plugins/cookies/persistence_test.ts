/**
 * Cookies of persist: partitions in the partition's SQLite store: across a restart of the
 * session's process, after a SIGKILL (nothing that flushStore() acknowledged is lost), session
 * cookies dropped unless asked for, and a burst of Set-Cookie headers written in one transaction.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { configure, getConfig, session, SqliteStore } from "../../../mod.ts";
import type { Store } from "../../../mod.ts";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";

const child = new URL("./_persist_child.ts", import.meta.url).pathname;
const isBun = (globalThis as { Bun?: unknown }).Bun !== undefined;

function run(args: string[], until?: string): Promise<{ out: string; code: number | null }> {
  const cmd = isBun ? process.execPath : (globalThis as unknown as {
    Deno: { execPath(): string };
  }).Deno.execPath();
  const full = isBun ? [child, ...args] : ["run", "-A", "--no-check", child, ...args];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, full, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      if (until && out.includes(until)) {
        // Give the unflushed writes a moment to be under way, then crash the process.
        setTimeout(() => proc.kill("SIGKILL"), 50);
      }
    });
    proc.on("error", reject);
    proc.on("close", (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
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
