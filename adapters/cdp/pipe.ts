/**
 * The CDP transport over `--remote-debugging-pipe`: NUL-terminated JSON messages on two streams,
 * the child's fd 3 (we write) and fd 4 (we read). Uses `node:` streams, so it works in Deno and
 * Bun.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Readable, Writable } from "node:stream";
import type { ChildProcess } from "node:child_process";
import type { CdpTransport } from "../../kernel/cdp/transport.ts";

export type { CdpTransport } from "../../kernel/cdp/transport.ts";

/**
 * A {@linkcode CdpTransport} over a pair of NUL-framed streams.
 *
 * @example
 * ```ts ignore
 * import { spawn } from "node:child_process";
 * import { PipeTransport } from "./pipe.ts";
 *
 * const child = spawn("/usr/bin/chromium", ["--headless", "--remote-debugging-pipe"], {
 *   stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"],
 * });
 * const transport = PipeTransport.fromChild(child);
 * ```
 */
export class PipeTransport implements CdpTransport {
  #out: Writable;
  #in: Readable;
  #chunks: Buffer[] = [];
  #closed = false;
  #done!: (reason: string) => void;
  /** Receives every message. */
  onmessage: ((message: string) => void) | null = null;
  /** Resolves with a reason once either stream ends. */
  readonly closed: Promise<string>;

  /**
   * The transport on a child process spawned with `stdio[3]` and `stdio[4]` set to `"pipe"`.
   *
   * @example
   * ```ts ignore
   * const transport = PipeTransport.fromChild(child);
   * ```
   */
  static fromChild(child: ChildProcess): PipeTransport {
    const out = child.stdio[3] as Writable | null;
    const input = child.stdio[4] as Readable | null;
    if (!out || !input) throw new TypeError("Child process has no pipes on fds 3 and 4");
    return new PipeTransport(out, input);
  }

  /** Writes to `out` (the child's fd 3) and reads from `input` (the child's fd 4). */
  constructor(out: Writable, input: Readable) {
    this.#out = out;
    this.#in = input;
    this.closed = new Promise((resolve) => this.#done = resolve);
    input.on("data", (chunk: Buffer) => this.#data(chunk));
    input.on("end", () => this.#finish("Pipe closed"));
    input.on("close", () => this.#finish("Pipe closed"));
    input.on("error", (error: Error) => this.#finish(`Pipe error: ${error.message}`));
    out.on("error", (error: Error) => this.#finish(`Pipe error: ${error.message}`));
    out.on("close", () => this.#finish("Pipe closed"));
  }

  /** Sends one message. */
  send(message: string): void {
    if (this.#closed) throw new Error("Pipe is closed");
    this.#out.write(message + "\0");
  }

  /** Closes both streams. */
  close(): void {
    this.#out.end();
    this.#in.destroy();
    this.#finish("Pipe closed");
  }

  #data(chunk: Buffer): void {
    let start = 0;
    let end = chunk.indexOf(0, start);
    while (end !== -1) {
      let text: string;
      if (this.#chunks.length > 0) {
        this.#chunks.push(chunk.subarray(start, end));
        text = Buffer.concat(this.#chunks).toString("utf8");
        this.#chunks = [];
      } else {
        text = chunk.toString("utf8", start, end);
      }
      this.onmessage?.(text);
      start = end + 1;
      end = chunk.indexOf(0, start);
    }
    if (start < chunk.length) this.#chunks.push(chunk.subarray(start));
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#done(reason);
  }
}
