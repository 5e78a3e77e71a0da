/**
 * The cache of a persist: partition survives its process, even one killed with SIGKILL right
 * after `flushStorageData()`: small bodies in the store's rows, large ones in files of the
 * partition's `Cache` folder. A response stale on arrival without a validator is kept in memory
 * only (force-cache uses it in the process; the store never gets a row for it).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { DatabaseSync } from "node:sqlite";
import { runChild } from "../../_process.ts";
import { type CountingServer, countingServer } from "./_counting_server.ts";

const child = new URL("./_child.ts", import.meta.url).pathname;

async function run(args: string[], until?: string) {
  const ran = await runChild(child, args, (out) => until !== undefined && out.includes(until));
  return { out: ran.out, signal: ran.signal };
}

let server: CountingServer;
let root: string;
before(async () => {
  server = await countingServer();
  root = mkdtempSync(`${tmpdir()}/websession-cache-`);
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the cache of a persist: partition", () => {
  it("survives a SIGKILL after flushStorageData, large bodies in files", async () => {
    const filled = await run(["fill", root, server.url], "flushed");
    assert.equal(filled.signal, "SIGKILL");
    assert.equal(server.hits("/max-age"), 1);
    assert.equal(server.hits("/big"), 1);
    const files = readdirSync(`${root}/Partitions/cache/Cache`);
    assert.equal(files.length, 1, "the 64 KiB body is a file");
    assert.equal(statSync(`${root}/Partitions/cache/Cache/${files[0]}`).size, 64 * 1024);
    const db = `${root}/Partitions/cache/websession.db`;
    const rows = statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
    assert.ok(rows < 80 * 1024, `the store holds ${rows} bytes: not the body (87 KiB in base64)`);
    assert.match(filled.out, /force-cache: expired 1/, "force-cache answered from memory");
    assert.equal(server.hits("/expired"), 1);
    const database = new DatabaseSync(db, { readOnly: true });
    const keys = (database.prepare("SELECT key FROM entries").all() as Array<{ key: string }>)
      .map((row) => row.key);
    database.close();
    assert.ok(keys.some((key) => key.endsWith(`e/${server.url}/max-age`)), keys.join(", "));
    assert.ok(!keys.some((key) => key.endsWith("/expired")), `no row for /expired: ${keys}`);

    const read = await run(["read", root, server.url]);
    const found = JSON.parse(read.out);
    assert.equal(found.small, "max-age 1");
    assert.equal(found.big, 64 * 1024);
    assert.equal(found.expired, "net::ERR_CACHE_MISS", "the volatile entry did not survive");
    assert.ok(found.size > 64 * 1024);
    assert.equal(server.hits("/max-age"), 1, "answered from the stored cache");
    assert.equal(server.hits("/big"), 1);
  });
});
