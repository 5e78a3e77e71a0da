import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { SqliteStore } from "../../../adapters/store/sqlite.ts";
import { storeContract } from "./_store_case.ts";

const dir = mkdtempSync(`${tmpdir()}/websession-sqlite-`);
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract("sqlite", () => new SqliteStore(`${dir}/contract-${++n}/store.db`));

describe("SqliteStore on disk", () => {
  it("keeps data across reopening the file", async () => {
    const path = `${dir}/reopen.db`;
    const first = new SqliteStore(path);
    await first.batch([{ op: "set", key: "a", value: [1, 2] }, {
      op: "set",
      key: "b",
      value: "x",
    }]);
    await first.close();
    const second = new SqliteStore(path);
    assert.deepEqual(await second.list(""), [["a", [1, 2]], ["b", "x"]]);
    await second.close();
  });

  it("lets a second connection write while the first holds the file (busy timeout)", async () => {
    const path = `${dir}/two.db`;
    const a = new SqliteStore(path);
    const b = new SqliteStore(path);
    await Promise.all([a.set("from-a", 1), b.set("from-b", 2)]);
    assert.deepEqual((await a.list("")).map(([k]) => k), ["from-a", "from-b"]);
    await a.close();
    await b.close();
  });

  it("loses no committed batch when the writer is killed with SIGKILL", async () => {
    const path = `${dir}/crash.db`;
    const writer = new URL("./_crash_writer.ts", import.meta.url).pathname;
    const isBun = "Bun" in globalThis;
    const config = new URL("../../../deno.json", import.meta.url).pathname;
    const args = isBun ? [writer, path] : ["run", "-A", "--config", config, writer, path];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let acknowledged = -1;
    let buffer = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Uint8Array) => {
        buffer += new TextDecoder().decode(chunk);
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith("committed ")) acknowledged = Number(line.slice(10));
        }
        if (acknowledged >= 150 && !child.killed) {
          child.kill("SIGKILL");
        }
      });
      child.on(
        "exit",
        (
          _code,
          signal,
        ) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer exited with ${_code}`))),
      );
    });
    assert.ok(acknowledged >= 150, `the writer acknowledged ${acknowledged} batches`);
    const store = new SqliteStore(path);
    const rows = await store.list("batch/");
    const batches = new Map<number, number>();
    for (const [key] of rows) {
      const batch = Number(key.split("/")[1]);
      batches.set(batch, (batches.get(batch) ?? 0) + 1);
    }
    for (let i = 0; i <= acknowledged; i++) {
      assert.equal(batches.get(i), 10, `batch ${i} has all of its 10 rows`);
    }
    // A batch that was in flight at the kill is either whole or absent, never partial.
    for (const [batch, count] of batches) assert.equal(count, 10, `batch ${batch} is whole`);
    assert.equal(await store.get("counter"), Math.max(...batches.keys()));
    await store.close();
  });
});
