/**
 * The `./shared-dictionary` subpath for Deno and Bun: the shared-dictionary plugin
 * (`plugins/shared-dictionary/mod.ts`) wired with the runtime's zstd decoder, with the kernel
 * configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { sharedDictionaryPlugin } from "./shared_dictionary.ts";
 * sharedDictionaryPlugin.manifest.api.includes("clearSharedDictionaryCache"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/shared-dictionary/mod.ts";
export { sharedDictionaryPlugin } from "../presets/default.ts";
export { decodeZstdWithDictionary } from "../adapters/zstd/dictionary_zstd.ts";
