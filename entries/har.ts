/**
 * The `./har` subpath for Deno and Bun: the har plugin (`plugins/har/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`), and the plugin wired with `node:fs`.
 *
 * @example
 * ```ts
 * import { harPlugin } from "./har.ts";
 * harPlugin.manifest.api; // ["har"]
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/har/mod.ts";
export { harPlugin } from "../presets/default.ts";
