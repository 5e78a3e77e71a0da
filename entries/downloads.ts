/**
 * The `./downloads` subpath for Deno and Bun: the downloads plugin (`plugins/downloads/mod.ts`)
 * writing through `node:fs` (`presets/default.ts`), and the kernel configured for the runtime
 * (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("downloading");
 * ses.setDownloadPath("/tmp");
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/downloads/mod.ts";
export { sanitizeFilename, suggestedFilename } from "../plugins/downloads/filename.ts";
export { downloadsPlugin } from "../presets/default.ts";
