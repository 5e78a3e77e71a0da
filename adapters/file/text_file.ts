/**
 * Files through `node:fs/promises` (Bun; Deno's own files for the net log's): the text file the net-log plugin writes
 * its files with (in a folder that exists, as Electron's net log), and whole files for HAR (whose
 * missing folders are created, as Playwright's `recordHar`).
 *
 * @module
 */
import { builtin } from "../_builtin.ts";

/** node:fs/promises, loaded on first use (`adapters/_builtin.ts`). */
const fsp = () => builtin("node:fs/promises");

/** A text file open for writing (the net-log plugin's `TextFile`). */
export interface NodeTextFile {
  /** Appends text, or bytes. */
  write(data: string | Uint8Array): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * Creates or truncates the file at `path`; rejects with Node's error (`ENOENT`, ...) when its
 * folder does not exist.
 *
 * @example
 * ```ts ignore
 * const file = await openTextFile("/tmp/out.json");
 * await file.write("{}");
 * await file.close();
 * ```
 */
export async function openTextFile(path: string): Promise<NodeTextFile> {
  const deno = denoFiles();
  if (deno !== null) return await openDenoFile(deno, path);
  const handle = await fsp().open(path, "w");
  return {
    write: async (data) => {
      if (typeof data === "string") await handle.write(data);
      else {
        // A write may take part of the bytes; the rest follows.
        for (let at = 0; at < data.byteLength;) {
          at += (await handle.write(data, at, data.byteLength - at)).bytesWritten;
        }
      }
    },
    close: () => handle.close(),
  };
}

/** What of `Deno` a file needs. */
interface DenoFiles {
  open(
    path: string,
    options: { write: true; create: true; truncate: true },
  ): Promise<{ write(data: Uint8Array): Promise<number>; close(): void }>;
}

function denoFiles(): DenoFiles | null {
  const deno = (globalThis as { Deno?: Partial<DenoFiles> }).Deno;
  return typeof deno?.open === "function" ? deno as DenoFiles : null;
}

const encoder = new TextEncoder();

/**
 * Deno's own file: its writes run on the runtime's blocking pool, whereas `node:fs`'s write of a
 * FileHandle runs on the calling thread (some 0.3-0.6 ms of the requests' thread per 2 MiB of
 * net log, and the whole event loop held while a busy disk makes the write wait). Open errors
 * carry the same `code` (`ENOENT`, `EISDIR`, ...).
 */
async function openDenoFile(deno: DenoFiles, path: string): Promise<NodeTextFile> {
  const file = await deno.open(path, { write: true, create: true, truncate: true });
  return {
    write: async (data) => {
      const bytes = typeof data === "string" ? encoder.encode(data) : data;
      // A write may take part of the bytes; the rest follows.
      for (let at = 0; at < bytes.byteLength;) at += await file.write(bytes.subarray(at));
    },
    close: async () => file.close(),
  };
}

/** Whole-file access for HAR files and their attached bodies (the har plugin's `HarFiles`). */
export interface NodeFiles {
  /** Reads a text file. */
  readText(path: string): Promise<string>;
  /** Reads a binary file. */
  readBytes(path: string): Promise<Uint8Array>;
  /** Writes a text file, making its folder. */
  writeText(path: string, text: string): Promise<void>;
  /** Writes a binary file, making its folder. */
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
}

/**
 * Whole-file access through `node:fs/promises`.
 *
 * @example
 * ```ts ignore
 * await nodeFiles.writeText("/tmp/a.har", "{}");
 * await nodeFiles.readText("/tmp/a.har"); // "{}"
 * ```
 */
export const nodeFiles: NodeFiles = {
  readText: (path) => fsp().readFile(path, "utf8"),
  readBytes: async (path) => new Uint8Array(await fsp().readFile(path)),
  writeText: async (path, text) => {
    await fsp().mkdir(builtin("node:path").dirname(path), { recursive: true });
    await fsp().writeFile(path, text);
  },
  writeBytes: async (path, bytes) => {
    await fsp().mkdir(builtin("node:path").dirname(path), { recursive: true });
    await fsp().writeFile(path, bytes);
  },
};
