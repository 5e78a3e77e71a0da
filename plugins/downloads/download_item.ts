/**
 * Electron's `DownloadItem`: one download, its state (`progressing`, `completed`, `cancelled`,
 * `interrupted`), its events (`updated` with `progressing`/`interrupted`, `done` with
 * `completed`/`cancelled`/`interrupted`) and its methods. The body streams into
 * `<save path>.crdownload` and is renamed to the save path once complete, so a half-written file
 * never carries the final name. `resume()` after an interruption asks for the rest with `Range`
 * and `If-Range` (the ETag, else Last-Modified) and starts over when the server answers the whole
 * file.
 *
 * @module
 */
import { Emitter } from "../../kernel/events.ts";
import {
  type DownloadHost,
  type DownloadInit,
  type DownloadState,
  PARTIAL_SUFFIX,
} from "./download_host.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import { type BodyTarget, copyBody, pipeBody } from "./_body_writers.ts";
import { TransferRate } from "./_transfer_rate.ts";
import { nativeBody } from "./_native_body.ts";
import { mimeTypeOf } from "./mime_type.ts";
import { rangeStart, totalOf } from "./content_range.ts";

export type { DownloadHost, DownloadInit, DownloadState } from "./download_host.ts";
export { PARTIAL_SUFFIX } from "./download_host.ts";

const UPDATE_INTERVAL_MS = 100;

/**
 * A download. Made by `ses.downloadURL()` and `ses.createInterruptedDownload()`; handed to
 * `will-download` listeners.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("download-item-example");
 * ses.on("will-download", (_event, item) => {
 *   item.setSavePath("/tmp/example.bin");
 *   item.once("done", (_e, state) => console.log(state, item.getReceivedBytes()));
 * });
 * ```
 */
export class DownloadItem extends Emitter {
  #host: DownloadHost;
  #state: DownloadState = "progressing";
  #paused = false;
  #wake: (() => void) | null = null;
  #savePath = "";
  #dialogOptions: Record<string, unknown> = {};
  #urlChain: string[];
  #headers: Record<string, string>;
  #mimeType = "";
  #disposition = "";
  #etag = "";
  #lastModified = "";
  #total = 0;
  #received = 0;
  #startTime: number;
  #endTime = 0;
  #filename = "";
  #resumable = false;
  #started = false;
  #controller: AbortController | null = null;
  #rate = new TransferRate();
  #fromPath = false;
  #flush: (() => void) | null = null;
  #lastUpdate = 0;
  #destroyed = false;

  /** Made by the downloads plugin. */
  constructor(host: DownloadHost, init: DownloadInit) {
    super((error) => host.report(error));
    this.#host = host;
    this.#urlChain = [...init.urlChain];
    this.#headers = { ...(init.headers ?? {}) };
    this.#startTime = init.startTime ?? Date.now() / 1000;
    if (init.path !== undefined) {
      this.#state = "interrupted";
      this.#resumable = true;
      this.#savePath = init.path;
      this.#started = true;
      this.#mimeType = init.mimeType ?? "";
      this.#received = init.offset ?? 0;
      this.#total = init.length ?? 0;
      this.#lastModified = init.lastModified ?? "";
      this.#etag = init.eTag ?? "";
      this.#filename = init.path.slice(init.path.lastIndexOf("/") + 1);
      this.#fromPath = true;
    }
  }

  /**
   * Sets where the file is saved: in `will-download`, or before the next turn of the event loop
   * (code that awaited the event); later calls are ignored. A missing folder is created.
   */
  setSavePath(path: string): void {
    this.#alive();
    if (typeof path !== "string") throw new TypeError("setSavePath: path must be a string");
    if (!this.#started) this.#savePath = path;
  }

  /** The save path ("" until it is known). */
  getSavePath(): string {
    this.#alive();
    return this.#savePath;
  }

  /** Same as {@link DownloadItem.getSavePath} / {@link DownloadItem.setSavePath}. */
  get savePath(): string {
    this.#alive();
    return this.#savePath;
  }

  set savePath(path: string) {
    this.setSavePath(path);
  }

  /**
   * Stores the save dialog's options. There is no dialog: without a save path the file goes to
   * the session's download folder (`setDownloadPath`), else the user's Downloads folder.
   */
  setSaveDialogOptions(options: Record<string, unknown>): void {
    this.#alive();
    if (options === null || typeof options !== "object") {
      throw new TypeError("setSaveDialogOptions: options must be an object");
    }
    this.#dialogOptions = { ...options };
  }

  /** The options given to {@link DownloadItem.setSaveDialogOptions} (`{}` by default). */
  getSaveDialogOptions(): Record<string, unknown> {
    this.#alive();
    return { ...this.#dialogOptions };
  }

  /**
   * Pauses the download: reading stops (what was received is written first). A download the
   * runtime pipes into its file closes its connection, and `resume()` asks for the rest with
   * `Range`.
   */
  pause(): void {
    this.#alive();
    if (this.#state !== "progressing" || this.#paused) return;
    this.#paused = true;
    this.#flush?.(); // what was received goes to disk now, not when the next chunk arrives
    this.#update(true);
  }

  /** Whether the download is paused. */
  isPaused(): boolean {
    this.#alive();
    return this.#paused;
  }

  /** Resumes a paused download, or an interrupted one with a `Range` request. */
  resume(): void {
    this.#alive();
    if (this.#state === "progressing" && this.#paused) {
      this.#paused = false;
      const wake = this.#wake;
      this.#wake = null;
      wake?.();
      this.#update(true);
      return;
    }
    if (this.#state === "interrupted" && this.#resumable) {
      this.#state = "progressing";
      this.#paused = false;
      this.#update(true);
      this.#run(true);
    }
  }

  /** Whether {@link DownloadItem.resume} can continue the download. */
  canResume(): boolean {
    this.#alive();
    return (this.#state === "progressing" && this.#paused) ||
      (this.#state === "interrupted" && this.#resumable);
  }

  /** Cancels the download and removes its partial file. */
  cancel(): void {
    this.#alive();
    if (this.#state !== "progressing" && this.#state !== "interrupted") return;
    this.#finish("cancelled");
    this.#controller?.abort(new DOMException("Download cancelled", "AbortError"));
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
    if (this.#savePath) {
      this.#host.files.remove(this.#savePath + PARTIAL_SUFFIX).catch((e) => this.#host.report(e));
    }
  }

  /** The URL the download comes from (the last of the chain). */
  getURL(): string {
    this.#alive();
    return this.#urlChain[this.#urlChain.length - 1] ?? "";
  }

  /** The URLs of the download, redirects included. */
  getURLChain(): string[] {
    this.#alive();
    return [...this.#urlChain];
  }

  /** The MIME type ("" until known). */
  getMimeType(): string {
    this.#alive();
    return this.#mimeType;
  }

  /** Whether a user gesture started it (never, for downloads started by the API). */
  hasUserGesture(): boolean {
    this.#alive();
    return false;
  }

  /** The file name: the save path's, else the one suggested by the response. */
  getFilename(): string {
    this.#alive();
    return this.#filename;
  }

  /** Bytes per second over the last two seconds. */
  getCurrentBytesPerSecond(): number {
    this.#alive();
    return this.#state !== "progressing" || this.#paused ? 0 : this.#rate.perSecond();
  }

  /** The size in bytes, 0 when unknown. */
  getTotalBytes(): number {
    this.#alive();
    return this.#total;
  }

  /** The bytes received so far. */
  getReceivedBytes(): number {
    this.#alive();
    return this.#received;
  }

  /** How complete the download is, in percent (-1 while the size is unknown, as Chromium). */
  getPercentComplete(): number {
    this.#alive();
    if (this.#state === "completed") return 100;
    if (this.#total <= 0) return -1;
    return Math.floor((this.#received * 100) / this.#total);
  }

  /** The response's `Content-Disposition` ("" when it had none). */
  getContentDisposition(): string {
    this.#alive();
    return this.#disposition;
  }

  /** `progressing`, `completed`, `cancelled` or `interrupted`. */
  getState(): DownloadState {
    this.#alive();
    return this.#state;
  }

  /** The response's `Last-Modified` (""). */
  getLastModifiedTime(): string {
    this.#alive();
    return this.#lastModified;
  }

  /** The response's `ETag` (""). */
  getETag(): string {
    this.#alive();
    return this.#etag;
  }

  /** When the download started, in seconds since the epoch. */
  getStartTime(): number {
    this.#alive();
    return this.#startTime;
  }

  /** When the download ended, in seconds since the epoch (0 while it has not). */
  getEndTime(): number {
    this.#alive();
    return this.#endTime;
  }

  /**
   * Electron's item after `event.preventDefault()` in `will-download`: from the next turn of the
   * event loop on, every method throws "DownloadItem used after being destroyed".
   */
  destroySoon(): void {
    setTimeout(() => this.#destroyed = true, 0);
  }

  #alive(): void {
    if (this.#destroyed) throw new Error("DownloadItem used after being destroyed");
  }

  /** Starts the transfer (the plugin calls it once). */
  start(): void {
    this.#run(false);
  }

  /** Names an item of `createInterruptedDownload` from its URL, as Electron's getFilename(). */
  async nameFromURL(): Promise<void> {
    try {
      this.#filename = (await filenameModule()).suggestedFilename("", this.getURL());
    } catch (error) {
      this.#host.report(error); // the path's name stays
    }
  }

  #update(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.#lastUpdate < UPDATE_INTERVAL_MS) return;
    this.#lastUpdate = now;
    this.emit("updated", this.#state === "interrupted" ? "interrupted" : "progressing");
  }

  #finish(state: "completed" | "cancelled" | "interrupted"): void {
    this.#state = state;
    this.#paused = false;
    this.#endTime = Date.now() / 1000;
    this.emit("done", state);
  }

  #interrupt(resumable: boolean): void {
    if (this.#state !== "progressing") return;
    this.#resumable = resumable;
    if (resumable) {
      this.#state = "interrupted";
      this.#paused = false;
      this.#update(true);
    } else {
      this.#finish("interrupted");
      if (this.#savePath) {
        this.#host.files.remove(this.#savePath + PARTIAL_SUFFIX).catch((e) => this.#host.report(e));
      }
    }
  }

  #run(resuming: boolean): void {
    this.#transfer(resuming).catch((error) => {
      if (this.#state !== "progressing") return;
      this.#host.report(error);
      // A network failure once the file was started can be resumed (Chromium's NETWORK_FAILED).
      this.#interrupt(this.#started);
    });
  }

  async #transfer(resuming: boolean): Promise<void> {
    // content-disposition (CommonJS: on Deno it starts the Node layer) loads with the first
    // download, beside its request (issue #24).
    const naming = filenameModule();
    naming.catch(() => {}); // awaited below; a failure is reported there
    const controller = new AbortController();
    this.#controller = controller;
    const headers = new Headers(this.#headers);
    let offset = 0;
    if (resuming) offset = await this.#partialSize();
    // As Chromium, continue only with a validator to check the rest is of the same file.
    if (!this.#etag && !this.#lastModified) offset = 0;
    if (offset > 0) {
      headers.set("range", `bytes=${offset}-`);
      const validator = this.#etag || this.#lastModified;
      if (validator) headers.set("if-range", validator);
    }
    let sent;
    try {
      sent = await this.#host.send(this.getURL(), headers, controller.signal);
    } catch (error) {
      if (this.#state !== "progressing") return;
      this.#host.report(error);
      if (!this.#started) {
        // The item exists for listeners even when the request failed before any answer.
        this.#filename = (await naming.catch(() => null))?.suggestedFilename("", this.getURL()) ??
          "download";
        this.#started = true;
        if (this.#host.willDownload(this)) return this.cancel();
        return this.#interrupt(false);
      }
      return this.#interrupt(true);
    }
    if (this.#state !== "progressing") {
      await sent.response.body?.cancel().catch(() => {});
      return;
    }
    const { response, urlChain } = sent;
    let suggestedFilename: (disposition: string, url: string) => string;
    try {
      suggestedFilename = (await naming).suggestedFilename;
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      throw error; // reported, and the item interrupted, by the caller
    }
    const partial = offset > 0 && response.status === 206 &&
      rangeStart(response.headers.get("content-range")) === offset;
    if (!response.ok || (response.status === 206 && !partial)) {
      await response.body?.cancel().catch(() => {});
      if (!this.#started) {
        this.#started = !this.#announce(response, urlChain, suggestedFilename);
      }
      // A turn of the event loop, so that code awaiting will-download can still listen to done.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return this.#interrupt(false);
    }
    if (!resuming) {
      if (this.#announce(response, urlChain, suggestedFilename)) return;
      // A turn of the event loop before the path is fixed, as Electron decides the target after
      // will-download: code awaiting the event (`const [, item] = await once(ses,
      // "will-download")`) can still set the save path.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.#state !== "progressing") {
        await response.body?.cancel().catch(() => {});
        return;
      }
      this.#started = true;
      // getFilename() stays the suggested name (Electron's is net::GenerateFileName's).
      if (this.#savePath === "") this.#savePath = await this.#host.pathFor(this.#filename);
      const dir = this.#savePath.slice(0, this.#savePath.lastIndexOf("/"));
      if (dir) await this.#host.files.makeDirectory(dir);
    } else {
      this.#etag = response.headers.get("etag") ?? this.#etag;
      this.#lastModified = response.headers.get("last-modified") ?? this.#lastModified;
      if (!this.#mimeType) this.#mimeType = mimeTypeOf(response.headers.get("content-type"));
    }
    const length = Number(response.headers.get("content-length") ?? NaN);
    if (partial) {
      this.#received = offset;
      const total = totalOf(response.headers.get("content-range"));
      if (total !== null) this.#total = total;
      else if (Number.isFinite(length)) this.#total = offset + length;
    } else {
      this.#received = 0;
      this.#total = Number.isFinite(length) ? length : 0;
    }
    await this.#write(response, partial);
  }

  /** Fills the item from the response and emits `will-download`; true when it was prevented. */
  #announce(
    response: Response,
    urlChain: string[],
    suggestedFilename: (disposition: string, url: string) => string,
  ): boolean {
    this.#urlChain = urlChain;
    this.#mimeType = mimeTypeOf(response.headers.get("content-type"));
    this.#disposition = response.headers.get("content-disposition") ?? "";
    this.#etag = response.headers.get("etag") ?? "";
    this.#lastModified = response.headers.get("last-modified") ?? "";
    const length = Number(response.headers.get("content-length") ?? NaN);
    this.#total = response.ok && Number.isFinite(length) ? length : 0;
    this.#filename = suggestedFilename(this.#disposition, this.getURL());
    if (this.#host.willDownload(this)) {
      response.body?.cancel().catch(() => {});
      this.cancel();
      return true;
    }
    return false;
  }

  async #partialSize(): Promise<number> {
    const files = this.#host.files;
    let size = await files.size(this.#savePath + PARTIAL_SUFFIX);
    if (size === null && this.#fromPath) {
      // Electron's createInterruptedDownload names the file that holds the partial data.
      size = await files.size(this.#savePath);
      if (size !== null) await files.rename(this.#savePath, this.#savePath + PARTIAL_SUFFIX);
    }
    this.#fromPath = false;
    if (size === null) return 0;
    if (size > this.#received) {
      await this.#host.files.truncate(this.#savePath + PARTIAL_SUFFIX, this.#received);
      return this.#received;
    }
    return size;
  }

  async #write(response: Response, append: boolean): Promise<void> {
    const temp = this.#savePath + PARTIAL_SUFFIX;
    this.#rate.reset(this.#received);
    this.#update(true);
    const body = nativeBody(response);
    const openWritable = this.#host.files.openWritable;
    // Piping needs a response that a Range request can continue: a pause ends the pipe, and the
    // runtime may drop a chunk it had read (Deno), so resume asks for the rest of the file.
    const rangeable = /bytes/i.test(response.headers.get("accept-ranges") ?? "") &&
      (this.#etag !== "" || this.#lastModified !== "");
    const target = this.#bodyTarget();
    if (body && openWritable && rangeable) {
      if (await pipeBody(target, body, temp, append, openWritable) === "paused") {
        if (this.#state === "progressing") await this.#transfer(true);
        return;
      }
    } else await copyBody(target, body, temp, append);
    if (this.#state !== "progressing") return;
    if (this.#total > 0 && this.#received !== this.#total) {
      throw new Error(`Received ${this.#received} of ${this.#total} bytes`);
    }
    if (this.#total === 0) this.#total = this.#received;
    await this.#host.files.rename(temp, this.#savePath);
    this.#finish("completed");
  }

  /** The item as the body writers see it (`_body_writers.ts`). */
  #bodyTarget(): BodyTarget {
    return {
      files: this.#host.files,
      progressing: () => this.#state === "progressing",
      paused: () => this.#paused,
      resumed: () => new Promise<void>((resolve) => this.#wake = resolve),
      add: (bytes) => {
        this.#received += bytes;
        this.#rate.note(this.#received);
        this.#update(false);
      },
      measured: (size) => {
        if (this.#state === "progressing") this.#received = size;
      },
      progress: (force = false) => {
        if (!force) this.#rate.note(this.#received);
        this.#update(force);
      },
      onPause: (stop) => this.#flush = stop,
    };
  }
}

const filenameModule = onFirstUse(
  "the download file names (plugins/downloads/filename.ts, content-disposition)",
  () => import("./filename.ts"),
);
