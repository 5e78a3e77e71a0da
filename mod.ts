/**
 * websession: Electron's session layer on Web standards, for Deno and Bun.
 *
 * Importing this module configures the kernel for the runtime: persistent partitions keep their
 * data in SQLite under the storage root (`WEBSESSION_HOME`, or `.websession/` in the working
 * directory), requests go out through the runtime's fetch, and every session gets the default
 * preset of plugins.
 *
 * @example
 * ```ts
 * import { session } from "./mod.ts";
 *
 * const ses = session.fromPartition("persist:example");
 * const response = await ses.fetch("data:text/plain,hello");
 * console.log(await response.text()); // "hello"
 * ```
 *
 * @module
 */
import process from "node:process";
import { configure } from "./kernel/partitions.ts";
import { MemoryStore } from "./adapters/store/memory.ts";
import { SqliteStore } from "./adapters/store/sqlite.ts";
import { detectRuntime, transportFor } from "./adapters/runtime.ts";
import { defaultPlugins } from "./presets/default.ts";
import { isolationFor } from "./adapters/isolation/mod.ts";

export * from "./kernel/mod.ts";
export { defaultPlugins } from "./presets/default.ts";
export { MemoryStore } from "./adapters/store/memory.ts";
export { SqliteStore } from "./adapters/store/sqlite.ts";
export {
  browserIsolation,
  bunIsolation,
  denoIsolation,
  isolationFor,
} from "./adapters/isolation/mod.ts";

const runtime = detectRuntime();
const home = process.env.WEBSESSION_HOME;
configure({
  runtime,
  storagePath: home && home.length > 0 ? home : `${process.cwd()}/.websession`,
  store: ({ storagePath }) =>
    storagePath === null ? new MemoryStore() : new SqliteStore(`${storagePath}/websession.db`),
  transport: transportFor(runtime),
  plugins: defaultPlugins,
  isolation: isolationFor(runtime),
});
