/**
 * Reading an unpacked extension's folder on Deno and Bun (`node:fs`): what the extensions plugin
 * needs to load one (`presets/default.ts` hands it in; the plugin imports no adapter).
 *
 * @module
 */
import { readFile, realpath } from "node:fs/promises";
import process from "node:process";

/**
 * Files of unpacked extensions through `node:fs`.
 *
 * @example
 * ```ts
 * const dir = await nodeExtensionFiles.realPath(".");
 * ```
 */
export const nodeExtensionFiles: {
  /** The absolute path with links resolved (a TypeError naming it when it does not exist). */
  realPath(path: string): Promise<string>;
  /** A file's text. */
  readText(path: string): Promise<string>;
  /** Whether paths are Windows paths (ids are derived from the lower-cased path there). */
  readonly windows: boolean;
} = {
  async realPath(path: string): Promise<string> {
    try {
      return await realpath(path);
    } catch (error) {
      throw new TypeError(`Loading extension at ${path} failed: ${(error as Error).message}`);
    }
  },
  readText: (path: string) => readFile(path, "utf8"),
  windows: process.platform === "win32",
};
