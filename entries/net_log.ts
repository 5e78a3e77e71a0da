/**
 * The `./net-log` subpath for Deno and Bun: the net-log plugin (`plugins/net-log/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`), and the plugin wired with `node:fs`.
 *
 * @example
 * ```ts
 * import { netLogPlugin } from "./net_log.ts";
 * netLogPlugin.manifest.api; // ["netLog"]
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/net-log/mod.ts";
export { netLogPlugin } from "../presets/default.ts";
