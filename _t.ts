import { SqliteStore } from "./adapters/store/sqlite.ts";
import { writeFileSync, readFileSync, mkdtempSync, truncateSync, statSync } from "node:fs";
const d = mkdtempSync("/tmp/st-");
writeFileSync(`${d}/garbage.db`, "this is not a database at all".repeat(100));
try { new SqliteStore(`${d}/garbage.db`); console.log("garbage opened!"); } catch (e) { console.log((e as Error).message); }
const s = new SqliteStore(`${d}/p/good.db`);
for (let i = 0; i < 2000; i++) await s.set(`k${i}`, "x".repeat(200));
await s.flush(); await s.close();
const s2 = new SqliteStore(`${d}/p/good.db`); await s2.close();
console.log(statSync(`${d}/p/good.db`).size, (statSync(`${d}/p/good.db`).mode & 0o777).toString(8), (statSync(`${d}/p`).mode & 0o777).toString(8));
truncateSync(`${d}/p/good.db`, 20000);
try { const t = new SqliteStore(`${d}/p/good.db`); console.log("truncated opened!", (await t.list("")).length); } catch (e) { console.log((e as Error).message); }
