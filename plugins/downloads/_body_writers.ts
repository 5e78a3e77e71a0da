/**
 * The two ways a download's body reaches its partial file: chunk by chunk through two 1 MiB
 * buffers written in turn (`copyBody`, any body), or piped by the runtime's own copying with no
 * JavaScript per chunk (`pipeBody`, for a response a `Range` request can continue). Both stop for
 * a pause and a cancel; what they need from the item is a {@linkcode BodyTarget}.
 *
 * @module
 */
import type { FileSystem } from "../../kernel/storage/files.ts";
import { BatchWriter } from "./_batch_writer.ts";

// How often a piped download reads its file's size: Chromium's download file reports progress
// every 500 ms, and each wake-up slows the runtime's pipe (scripts/bench/downloads.ts).
const PIPE_POLL_MS = 500;

/** What writing a body needs from its download item. */
export interface BodyTarget {
  /** The files the body is written to. */
  readonly files: FileSystem;
  /** Whether the download goes on (neither cancelled nor interrupted). */
  progressing(): boolean;
  /** Whether the download is paused. */
  paused(): boolean;
  /** Resolves once a paused download is resumed (or cancelled). */
  resumed(): Promise<void>;
  /** Counts `bytes` more as received, and reports progress. */
  add(bytes: number): void;
  /** Sets the bytes received to the file's `size` (while the download goes on). */
  measured(size: number): void;
  /** Reports progress: a speed sample and a throttled `updated`, or an `updated` now (`force`). */
  progress(force?: boolean): void;
  /** Sets what `pause()` calls to stop writing at once (null: nothing to stop). */
  onPause(stop: (() => void) | null): void;
}

/**
 * Reads the body chunk by chunk into two 1 MiB buffers written in turn; a pause writes what was
 * received and waits. What was received stays in the file when reading fails (a resume continues
 * from it).
 *
 * @example
 * ```ts ignore
 * await copyBody(target, response.body, "/tmp/file.bin.crdownload", false);
 * ```
 */
export async function copyBody(
  target: BodyTarget,
  body: ReadableStream<Uint8Array> | null,
  temp: string,
  append: boolean,
): Promise<void> {
  const batches = new BatchWriter(await target.files.openWrite(temp, append));
  const flush = () => batches.flush();
  target.onPause(() => void flush().catch(() => {}));
  const reader = body?.getReader();
  try {
    while (reader) {
      if (target.paused()) {
        // What was received is on disk before the download waits (and may be killed).
        await flush();
        await target.resumed();
      }
      if (!target.progressing()) {
        await reader.cancel().catch(() => {});
        break;
      }
      const chunk = await reader.read();
      if (chunk.done) break;
      await batches.add(chunk.value);
      target.add(chunk.value.byteLength);
    }
    await flush();
  } catch (error) {
    // Keep what was received: a resume continues from it.
    target.onPause(null);
    await batches.close().catch(() => {});
    throw error;
  }
  target.onPause(null);
  await batches.close();
}

/**
 * Pipes the body into the file with the runtime's own copying; progress is the file's size, read
 * every 500 ms. A pause stops the pipe and closes the connection; resolves to "paused" once the
 * download is resumed (the caller then asks for the rest with Range).
 *
 * @example
 * ```ts ignore
 * if (await pipeBody(target, body, temp, false, files.openWritable) === "paused") resumeWithRange();
 * ```
 */
export async function pipeBody(
  target: BodyTarget,
  body: ReadableStream<Uint8Array>,
  temp: string,
  append: boolean,
  openWritable: (path: string, append: boolean) => Promise<WritableStream<Uint8Array>>,
): Promise<"done" | "paused"> {
  const measure = async () => {
    const size = await target.files.size(temp);
    if (size !== null) target.measured(size);
  };
  const poll = setInterval(() => {
    measure().then(() => target.progress(), () => {});
  }, PIPE_POLL_MS);
  const stop = new AbortController();
  target.onPause(() => stop.abort());
  try {
    await body.pipeTo(await openWritable(temp, append), { signal: stop.signal });
    return "done";
  } catch (error) {
    if (!stop.signal.aborted || !target.progressing()) throw error;
  } finally {
    clearInterval(poll);
    target.onPause(null);
    await measure();
  }
  target.progress(true);
  if (target.paused()) await target.resumed();
  return "paused";
}
