/**
 * The file contract of the downloads and cache plugins.
 *
 * @module
 */

/** A file opened for writing. */
export interface FileWriter {
  /** Appends bytes at the end of what was written so far. */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes what was written durable. */ sync(): Promise<void>;
  /** Closes the file. */ close(): Promise<void>;
}

/**
 * The files of the downloads and cache plugins (absolute paths with `/` separators):
 * `adapters/fs/node.ts` on Deno and Bun; a page has none (downloads reject, the cache keeps its
 * bodies in memory).
 */
export interface FileSystem {
  /** Opens for writing: truncated, or appended to (created if missing). */
  openWrite(path: string, append: boolean): Promise<FileWriter>;
  /**
   * The same as a stream the runtime copies a response body into without JavaScript per chunk
   * (Deno's `FsFile.writable`); optional.
   */
  openWritable?(path: string, append: boolean): Promise<WritableStream<Uint8Array>>;
  /** A whole file, or null when missing. */ readFile(path: string): Promise<Uint8Array | null>;
  /** Writes a whole file (replacing it). */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Renames (replacing the target). */ rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing one is no error. */ remove(path: string): Promise<void>;
  /** The size in bytes, or null when missing. */ size(path: string): Promise<number | null>;
  /** Cuts a file down to `size` bytes. */ truncate(path: string, size: number): Promise<void>;
  /** Creates a folder and its parents. */ makeDirectory(path: string): Promise<void>;
  /** The user's downloads folder (`app.getPath("downloads")`). */ downloadsDirectory(): string;
}
