/**
 * The `./renderer` subpath for Deno and Bun: the renderer plugin (`plugins/renderer/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { rendererPlugin } from "./renderer.ts";
 * rendererPlugin.manifest.api.includes("getBlobData"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/renderer/mod.ts";
