/**
 * The `./extensions` subpath for Deno and Bun: the extensions plugin (`plugins/extensions/mod.ts`)
 * and the preset's `extensionsPlugin` wired with the runtime's Workers and `node:fs`, with the
 * kernel configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { extensionsPlugin } from "./extensions.ts";
 * extensionsPlugin.name; // "extensions"
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/extensions/mod.ts";
export { extensionsPlugin } from "../presets/default.ts";
