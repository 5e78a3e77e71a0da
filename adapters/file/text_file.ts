/**
 * A text file written through `node:fs/promises` (Deno and Bun): what the net-log plugin writes
 * its files with. Missing parent folders are created.
 *
 * @module
 */
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";

/** A text file open for writing (the net-log plugin's `TextFile`). */
export interface NodeTextFile {
  /** Appends text. */
  write(text: string): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * Creates or truncates the file at `path`.
 *
 * @example
 * ```ts ignore
 * const file = await openTextFile("/tmp/out.json");
 * await file.write("{}");
 * await file.close();
 * ```
 */
export async function openTextFile(path: string): Promise<NodeTextFile> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, "w");
  return {
    write: async (text) => {
      await handle.write(text);
    },
    close: () => handle.close(),
  };
}
