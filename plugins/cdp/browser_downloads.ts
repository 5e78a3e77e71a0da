/**
 * Downloads of a Chromium-backed session: `Browser.setDownloadBehavior` (`allowAndName`, events
 * on) for the context, `Browser.downloadWillBegin` as Electron's `will-download` event with a
 * `DownloadItem`, `Browser.downloadProgress` as its `updated`/`done` events. Chromium saves the
 * file under its guid in a staging folder; when it completes the item moves it to its save path
 * (`setSavePath`, else the download folder and the suggested file name).
 * `event.preventDefault()` and `item.cancel()` cancel it (`Browser.cancelDownload`), and it ends
 * `cancelled`; one the network broke off ends `interrupted` (CDP reports both as "canceled").
 * CDP cannot pause a download: `pause()` is ignored and `canResume()` is false.
 *
 * @module
 */
import { Emitter } from "../../kernel/events.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";

/** What the downloads need from the entry: a staging folder and moving files out of it. */
export interface DownloadFiles {
  /** Makes a new folder where Chromium writes downloads in progress. */
  stagingDir(): Promise<string>;
  /** Moves a file (across file systems too). */
  move(from: string, to: string): Promise<void>;
}

/** A download's state, as Electron's `DownloadItem.getState()` names it. */
export type BrowserDownloadState = "progressing" | "completed" | "cancelled" | "interrupted";

/**
 * Electron's DownloadItem for a download Chromium makes.
 *
 * @example
 * ```ts ignore
 * ses.on("will-download", (_event, item) => {
 *   item.setSavePath("/tmp/report.pdf");
 *   item.once("done", (_e, state) => console.log(state, item.getReceivedBytes()));
 * });
 * ```
 */
export class BrowserDownloadItem extends Emitter {
  readonly #url: string;
  readonly #filename: string;
  readonly #cancel: () => Promise<void>;
  #savePath = "";
  #dialog: Record<string, unknown> = {};
  #state: BrowserDownloadState = "progressing";
  #total = 0;
  #received = 0;
  #start = Date.now() / 1000;
  #end = 0;
  #rate: { at: number; bytes: number } = { at: performance.now(), bytes: 0 };
  #speed = 0;
  #cancelled = false;

  /** Made by the session for each `Browser.downloadWillBegin`. */
  constructor(url: string, suggestedFilename: string, cancel: () => Promise<void>) {
    super();
    this.#url = url;
    this.#filename = suggestedFilename;
    this.#cancel = cancel;
  }

  /** Where the file goes (set it in `will-download`). */
  setSavePath(path: string): void {
    if (typeof path !== "string") throw new TypeError("setSavePath: path must be a string");
    this.#savePath = path;
  }
  /** The save path ("" until set or completed). */
  getSavePath(): string {
    return this.#savePath;
  }
  /** Stored; there is no dialog. */
  setSaveDialogOptions(options: Record<string, unknown>): void {
    this.#dialog = { ...options };
  }
  /** What `setSaveDialogOptions` stored. */
  getSaveDialogOptions(): Record<string, unknown> {
    return { ...this.#dialog };
  }
  /** CDP cannot pause a download: ignored. */
  pause(): void {}
  /** Always false (see `pause`). */
  isPaused(): boolean {
    return false;
  }
  /** Nothing to resume (see `pause`). */
  resume(): void {}
  /** Always false: CDP cannot resume a download. */
  canResume(): boolean {
    return false;
  }
  /** Cancels the download. */
  cancel(): void {
    if (this.#state !== "progressing") return;
    this.#cancelled = true;
    void this.#cancel().catch(() => {});
  }
  /** The URL. */
  getURL(): string {
    return this.#url;
  }
  /** The URL chain (CDP gives the final URL only). */
  getURLChain(): string[] {
    return [this.#url];
  }
  /** Chromium's suggested file name. */
  getFilename(): string {
    return this.#filename;
  }
  /** Unknown through CDP: "". */
  getMimeType(): string {
    return "";
  }
  /** Unknown through CDP: false. */
  hasUserGesture(): boolean {
    return false;
  }
  /** Bytes per second over the last progress event. */
  getCurrentBytesPerSecond(): number {
    return this.#speed;
  }
  /** Total bytes (0 when unknown). */
  getTotalBytes(): number {
    return this.#total;
  }
  /** Received bytes. */
  getReceivedBytes(): number {
    return this.#received;
  }
  /** Percent complete (0 when the total is unknown). */
  getPercentComplete(): number {
    return this.#total > 0 ? Math.round((this.#received / this.#total) * 100) : 0;
  }
  /** Unknown through CDP: "". */
  getContentDisposition(): string {
    return "";
  }
  /** `progressing`, `completed`, `cancelled` or `interrupted`. */
  getState(): BrowserDownloadState {
    return this.#state;
  }
  /** Unknown through CDP: "". */
  getLastModifiedTime(): string {
    return "";
  }
  /** Unknown through CDP: "". */
  getETag(): string {
    return "";
  }
  /** Seconds since the epoch when it started. */
  getStartTime(): number {
    return this.#start;
  }
  /** Seconds since the epoch when it ended (0 before). */
  getEndTime(): number {
    return this.#end;
  }

  /** Progress from `Browser.downloadProgress`. @internal */
  _progress(total: number, received: number): void {
    const now = performance.now();
    if (now > this.#rate.at) {
      this.#speed = Math.round((received - this.#rate.bytes) / ((now - this.#rate.at) / 1000));
    }
    this.#rate = { at: now, bytes: received };
    this.#total = total;
    this.#received = received;
    this.emit("updated", "progressing");
  }

  /**
   * Whether `cancel()` (or `preventDefault()` in `will-download`) was called: a download Chromium
   * finished before its cancel arrived still ends `cancelled`, its file left unsaved. @internal
   */
  get _cancelRequested(): boolean {
    return this.#cancelled;
  }

  /** The end. @internal */
  _done(state: Exclude<BrowserDownloadState, "progressing">, savePath?: string): void {
    if (this.#state !== "progressing") return;
    if (savePath) this.#savePath = savePath;
    this.#state = state;
    this.#end = Date.now() / 1000;
    this.emit("done", state);
  }
}

/**
 * Wires a context's downloads to `emitter`'s `will-download` (the session).
 *
 * @example
 * ```ts ignore
 * const stop = await watchDownloads(connection, contextId, ses, files, () => "/tmp/d", () => true);
 * ```
 */
export async function watchDownloads(
  connection: CdpConnection,
  browserContextId: string | undefined,
  emitter: Emitter,
  files: DownloadFiles,
  folder: () => string,
  owns: (frameId: string) => boolean,
): Promise<() => void> {
  const staging = await files.stagingDir();
  await connection.send("Browser.setDownloadBehavior", {
    behavior: "allowAndName",
    downloadPath: staging,
    browserContextId,
    eventsEnabled: true,
  });
  const items = new Map<string, BrowserDownloadItem>();
  const offs = [
    connection.on("Browser.downloadWillBegin", (event) => {
      if (!owns(event.frameId)) return; // another context's
      const cancel = () =>
        connection.send("Browser.cancelDownload", { guid: event.guid, browserContextId });
      const item = new BrowserDownloadItem(event.url, event.suggestedFilename, cancel);
      items.set(event.guid, item);
      const asked = emitter.emit("will-download", item, null);
      if (asked.defaultPrevented) item.cancel();
    }),
    connection.on("Browser.downloadProgress", (event) => {
      const item = items.get(event.guid);
      if (!item) return;
      if (event.state === "inProgress") {
        return item._progress(event.totalBytes, event.receivedBytes);
      }
      items.delete(event.guid);
      // a small file can finish before Browser.cancelDownload reaches Chromium
      if (item._cancelRequested) return item._done("cancelled");
      // Chromium's DevTools says "canceled" also for a download the network broke off (after its
      // own retries): nobody cancelled it, so it ended as Electron's `interrupted`
      if (event.state === "canceled") return item._done("interrupted");
      item._progress(event.totalBytes, event.receivedBytes);
      const target = item.getSavePath() || `${folder()}/${item.getFilename()}`;
      files.move(`${staging}/${event.guid}`, target).then(
        () => item._done("completed", target),
        () => item._done("interrupted"),
      );
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
