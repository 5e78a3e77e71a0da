/**
 * The `./cache` subpath for Deno and Bun: the HTTP cache plugin (`plugins/cache/mod.ts`) with
 * files through `node:fs` for large bodies of persistent partitions (`presets/default.ts`), and
 * the kernel configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("cached");
 * await ses.getCacheSize(); // 0
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/cache/mod.ts";
export { cachePlugin } from "../presets/default.ts";
