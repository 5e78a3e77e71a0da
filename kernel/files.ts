/**
 * The file contract: what the downloads and cache plugins need from a file system (writing a file
 * in pieces, renaming, removing, reading small files). `adapters/fs/node.ts` implements it with
 * `node:fs` for Deno and Bun; a page has none, so there downloads reject and the cache keeps its
 * bodies in memory.
 *
 * @module
 */

/** A file opened for writing. */
export interface FileWriter {
  /** Appends bytes at the end of what was written so far. */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes what was written durable. */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** A file system, for plugins that store files. Paths are absolute, with `/` separators. */
export interface FileSystem {
  /** Opens `path` for writing: truncated, or appended to when `append` is true (created if missing). */
  openWrite(path: string, append: boolean): Promise<FileWriter>;
  /** Reads a whole file, or null when it does not exist. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** Writes a whole file (replacing it). */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Renames a file (replacing the target). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** The size of a file in bytes, or null when it does not exist. */
  size(path: string): Promise<number | null>;
  /** Cuts a file down to `size` bytes. */
  truncate(path: string, size: number): Promise<void>;
  /** Creates a folder and its parents. */
  makeDirectory(path: string): Promise<void>;
  /** The user's downloads folder (Electron's `app.getPath("downloads")`). */
  downloadsDirectory(): string;
}
