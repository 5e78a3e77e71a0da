/**
 * The `./net` subpath for Deno and Bun: Electron's `net` module (`kernel/net/mod.ts`), with the kernel configured for the runtime
 * (`runtime_setup.ts`), so that importing it alone gives a working default session.
 *
 * @example
 * ```ts
 * import { net } from "./net.ts";
 * const response = await net.fetch("data:text/plain,hi");
 * await response.text(); // "hi"
 * ```
 *
 * `fetchMetadataPlugin` adds Chromium's `Sec-Fetch-*` headers to a session's requests (not in the
 * default preset: see the README's differences from Electron).
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../kernel/net/mod.ts";
export { fetchMetadataPlugin } from "../plugins/fetch-metadata/mod.ts";
export type { FetchSite } from "../plugins/fetch-metadata/mod.ts";
