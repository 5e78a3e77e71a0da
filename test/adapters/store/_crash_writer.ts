// Writes batches of 10 rows in a loop and prints "committed N" after each one resolves; the test
// kills this process with SIGKILL part-way.
import { SqliteStore } from "../../../adapters/store/sqlite.ts";

const path = (globalThis as { Deno?: { args: string[] } }).Deno?.args[0] ?? process.argv[2];
const store = new SqliteStore(path);
for (let batch = 0; batch < 100000; batch++) {
  const operations = Array.from({ length: 10 }, (_, i) => ({
    op: "set" as const,
    key: `batch/${String(batch).padStart(6, "0")}/${i}`,
    value: { batch, i, padding: "x".repeat(200) },
  }));
  operations.push({ op: "set", key: "counter", value: batch } as never);
  await store.batch(operations);
  console.log(`committed ${batch}`);
}
