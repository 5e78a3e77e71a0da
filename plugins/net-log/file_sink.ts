/**
 * Where a net log goes: the contract of a text file the entry hands to the plugin (Deno and Bun
 * give one on `node:fs`, `adapters/file/text_file.ts`), and the writer that streams a NetLog into
 * it: `{"constants": ..., "events": [` first, then each event, then `], "polledData": {}}` when
 * logging stops, as Chromium's file writer lays the file out.
 *
 * @module
 */

/** A text file open for writing. */
export interface TextFile {
  /** Appends text. */
  write(text: string): Promise<void>;
  /** Closes the file (after every write). */
  close(): Promise<void>;
}

/** Creates (or truncates) a text file at a path. */
export type OpenTextFile = (path: string) => Promise<TextFile>;

const encoder = new TextEncoder();
const FLUSH_BYTES = 32768;

/**
 * Streams one NetLog into a file: events are batched (one write per 16 KiB or per 200 ms) and the file is valid JSON once {@linkcode NetLogFileWriter.finish} resolves.
 *
 * @example
 * ```ts ignore
 * const writer = new NetLogFileWriter(file, constants, null, () => {});
 * writer.add({ phase: 0, source: { id: 1, start_time: "0", type: 1 }, time: "0", type: 2 });
 * await writer.finish();
 * ```
 */
export class NetLogFileWriter {
  #file: TextFile;
  #pending: string[] = [];
  #pendingBytes = 0;
  #written = 0;
  #first = true;
  #chain: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #maxFileSize: number | null;
  #onFull: () => void;
  #full = false;
  #error: unknown = null;

  /**
   * Starts the file with the constants. `maxFileSize` bounds the events' bytes: past it, no
   * event is added and `onFull` is called once (the owner stops logging).
   */
  constructor(
    file: TextFile,
    constants: Record<string, unknown>,
    maxFileSize: number | null,
    onFull: () => void,
  ) {
    this.#file = file;
    this.#maxFileSize = maxFileSize;
    this.#onFull = onFull;
    this.#enqueue(`{"constants":${JSON.stringify(constants)},\n"events": [\n`);
  }

  /** Adds one event (an object, or its JSON). */
  add(event: object | string): void {
    if (this.#full) return;
    const json = typeof event === "string" ? event : JSON.stringify(event);
    // Bytes are counted exactly only when a limit needs them (events are mostly ASCII); each
    // event but the first is preceded by ",\n".
    if (this.#maxFileSize === null) this.#pendingBytes += json.length + 2;
    else {
      const size = encoder.encode(json).length + 2;
      if (this.#written + this.#pendingBytes + size > this.#maxFileSize) {
        this.#full = true;
        queueMicrotask(this.#onFull);
        return;
      }
      this.#pendingBytes += size;
    }
    this.#pending.push(json);
    // Small batches: the events' strings are still young when joined, which keeps the garbage
    // collector's work down.
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), 200);
  }

  /** Writes what is pending and the end of the file, then closes it. */
  async finish(): Promise<void> {
    this.#flush();
    this.#enqueue(`\n],\n"polledData": {}\n}\n`);
    await this.#chain;
    await this.#file.close();
    if (this.#error !== null) throw this.#error;
  }

  #flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const text = (this.#first ? "" : ",\n") + this.#pending.join(",\n");
    this.#first = false;
    this.#written += this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#enqueue(text);
  }

  #enqueue(text: string): void {
    this.#chain = this.#chain.then(() => this.#file.write(text)).catch((error) => {
      this.#error ??= error;
    });
  }
}
