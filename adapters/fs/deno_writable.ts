/**
 * Deno's file streams for the file contract (`FileSystem.openWritable` in `kernel/storage/files.ts`):
 * `Deno.open(...).writable`, which `pipeTo` fills from a `fetch` body natively, at about four times
 * the throughput of a JavaScript loop of writes (`scripts/bench/downloads.ts`). The default preset
 * adds it to `nodeFiles` on Deno.
 *
 * @module
 */

interface DenoFiles {
  open(
    path: string,
    options: { write: true; create: true; append?: boolean; truncate?: boolean },
  ): Promise<{ writable: WritableStream<Uint8Array> }>;
}

/**
 * Opens `path` for a piped write: truncated, or appended to when `append` is true (created if
 * missing). Throws a TypeError outside Deno.
 *
 * @example
 * ```ts ignore
 * const writable = await denoWritable("/tmp/websession-example.bin", false);
 * await (await fetch("https://example.com/")).body!.pipeTo(writable);
 * ```
 */
export async function denoWritable(
  path: string,
  append: boolean,
): Promise<WritableStream<Uint8Array>> {
  const deno = (globalThis as { Deno?: DenoFiles }).Deno;
  if (!deno) throw new TypeError("denoWritable: this runtime is not Deno");
  const file = await deno.open(
    path,
    append
      ? { write: true, create: true, append: true }
      : { write: true, create: true, truncate: true },
  );
  return file.writable;
}
