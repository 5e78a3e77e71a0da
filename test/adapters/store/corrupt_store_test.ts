/**
 * A persistent partition whose SQLite file is damaged fails closed in the library: `ready` and
 * every request reject with a StoreOpenError naming the file, nothing runs without the plugins'
 * data, and other partitions keep working. New store files are the owner's only.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { configure, getConfig, session } from "../../../mod.ts";
import { SqliteStore, StoreOpenError } from "../../../adapters/store/sqlite.ts";
import { serve, type TestServer } from "../../_serve.ts";

try {
  configure({ storagePath: mkdtempSync(`${tmpdir()}/websession-corrupt-`) });
} catch {
  // Bun runs every test file in one process: another file's persistent sessions fixed the root
}
const root = getConfig().storagePath;
const id = crypto.randomUUID().slice(0, 8);
let origin: TestServer;
before(async () => (origin = await serve(() => new Response("served"))));
after(() => origin.close());

describe("a damaged store", () => {
  it("fails the session's requests with a clear error naming the file", async () => {
    const file = `${root}/Partitions/broken-${id}/websession.db`;
    mkdirSync(`${root}/Partitions/broken-${id}`, { recursive: true });
    writeFileSync(file, "garbage, not SQLite ".repeat(300));
    const ses = session.fromPartition(`persist:broken-${id}`);
    const isStoreError = (error: unknown) =>
      error instanceof StoreOpenError && error.path === file &&
      error.message.startsWith(`The store ${file} cannot be opened (file is not a database)`);
    await assert.rejects(ses.ready, isStoreError);
    await assert.rejects(ses.fetch(origin.url), isStoreError);
    await assert.rejects(ses.fetch(origin.url), isStoreError);
    // nothing was written over the damaged file
    assert.equal(readFileSync(file, "utf8"), "garbage, not SQLite ".repeat(300));
    // another partition still answers
    const other = session.fromPartition(`persist:sound-${id}`);
    assert.equal(await (await other.fetch(origin.url)).text(), "served");
    await session.closePartition(`persist:broken-${id}`);
    await session.closePartition(`persist:sound-${id}`);
  });

  it("refuses a store truncated in the middle", async () => {
    const file = `${root}/truncated-${id}.db`;
    const store = new SqliteStore(file);
    for (let i = 0; i < 500; i++) await store.set(`key${i}`, "x".repeat(500));
    await store.flush();
    await store.close();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.throws(() => new SqliteStore(file), StoreOpenError);
  });

  it("creates the database 0600 (its WAL too) in a 0700 folder", async () => {
    const store = new SqliteStore(`${root}/modes-${id}/websession.db`);
    await store.set("a", 1);
    assert.equal(statSync(`${root}/modes-${id}`).mode & 0o777, 0o700);
    for (const name of ["websession.db", "websession.db-wal"]) {
      assert.equal(statSync(`${root}/modes-${id}/${name}`).mode & 0o777, 0o600, name);
    }
    await store.close();
  });
});
