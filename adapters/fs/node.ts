/**
 * `node:fs` for Deno and Bun: the file contract (`kernel/storage/files.ts`) of the cache and downloads
 * plugins, and reading an unpacked extension's folder for the extensions plugin
 * (`presets/default.ts` hands them in; plugins import no adapter).
 *
 * @example
 * ```ts
 * const dir = nodeFiles.downloadsDirectory(); // e.g. /home/me/Downloads
 * ```
 *
 * @module
 */
import { builtin } from "../_builtin.ts";
import { envVar, isWindows } from "../_env.ts";
import type { FileSystem, FileWriter } from "../../kernel/storage/files.ts";

/** node:fs/promises, loaded on first use (`adapters/_builtin.ts`). */
const fsp = () => builtin("node:fs/promises");

function missing(error: unknown): boolean {
  return (error as { code?: string })?.code === "ENOENT";
}

/**
 * Files through `node:fs/promises`. The downloads folder is `$XDG_DOWNLOAD_DIR` when set, else
 * `~/Downloads`.
 *
 * @example
 * ```ts
 * const writer = await nodeFiles.openWrite("/tmp/websession-example.txt", false);
 * await writer.write(new TextEncoder().encode("hello"));
 * await writer.close();
 * ```
 */
export const nodeFiles: FileSystem = {
  async openWrite(path: string, append: boolean): Promise<FileWriter> {
    const handle = await fsp().open(path, append ? "a" : "w");
    return {
      async write(chunk) {
        let offset = 0;
        while (offset < chunk.byteLength) {
          const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
          offset += bytesWritten;
        }
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  async readFile(path) {
    try {
      return new Uint8Array(await fsp().readFile(path));
    } catch (error) {
      if (missing(error)) return null;
      throw error;
    }
  },
  async writeFile(path, bytes) {
    await fsp().writeFile(path, bytes);
  },
  async rename(from, to) {
    await fsp().rename(from, to);
  },
  async remove(path) {
    await fsp().rm(path, { force: true });
  },
  async size(path) {
    try {
      return (await fsp().stat(path)).size;
    } catch (error) {
      if (missing(error)) return null;
      throw error;
    }
  },
  async truncate(path, size) {
    await fsp().truncate(path, size);
  },
  async makeDirectory(path) {
    await fsp().mkdir(path, { recursive: true });
  },
  downloadsDirectory() {
    const xdg = envVar("XDG_DOWNLOAD_DIR");
    return xdg && xdg.length > 0 ? xdg : `${builtin("node:os").homedir()}/Downloads`;
  },
};

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
      return await fsp().realpath(path);
    } catch (error) {
      throw new TypeError(`Loading extension at ${path} failed: ${(error as Error).message}`);
    }
  },
  readText: (path: string) => fsp().readFile(path, "utf8"),
  get windows(): boolean {
    return isWindows();
  },
};
