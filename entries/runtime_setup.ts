/**
 * Configures the kernel for Deno or Bun, once, when imported: persistent partitions keep their
 * data in SQLite under the storage root (`WEBSESSION_HOME`, or `.websession/` in the working
 * directory), requests go out through the runtime's transport, isolated plugins start through the
 * runtime's Workers, and every session gets the default preset (`presets/default.ts`). `mod.ts`
 * and every subpath entry (`./net`, `./cookies`, `./proxy`, ...) import it, so importing any
 * public entry point gives a working default.
 *
 * @example
 * ```ts
 * import "./runtime_setup.ts";
 * import { session } from "../kernel/partitions.ts";
 * const response = await session.defaultSession.fetch("data:text/plain,hi");
 * ```
 *
 * @module
 */
import { configure } from "../kernel/partitions.ts";
import { loadPlugin } from "../kernel/messaging/plugin_loader.ts";
import { httpLayer } from "../kernel/http/mod.ts";
import { storageClearing } from "../kernel/storage/clearing.ts";
import { MemoryStore } from "../adapters/store/memory.ts";
import { SqliteStore } from "../adapters/store/sqlite.ts";
import { detectRuntime, transportFor } from "../adapters/runtime.ts";
import { isolationFor } from "../adapters/isolation/mod.ts";
import { envVar, workingDirectory } from "../adapters/_env.ts";
import { defaultPlugins } from "../presets/default.ts";

const runtime = detectRuntime();
const home = envVar("WEBSESSION_HOME");
configure({
  runtime,
  storagePath: home && home.length > 0 ? home : `${workingDirectory()}/.websession`,
  store: ({ storagePath }) =>
    storagePath === null ? new MemoryStore() : new SqliteStore(`${storagePath}/websession.db`),
  transport: transportFor(runtime),
  plugins: defaultPlugins,
  isolation: isolationFor(runtime),
  loader: loadPlugin,
  http: httpLayer,
  clearing: storageClearing,
});
