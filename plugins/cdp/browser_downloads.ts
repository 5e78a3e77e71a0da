/**
 * Downloads of a Chromium-backed session: `Browser.setDownloadBehavior` (`allowAndName`, events
 * on) for the context, `Browser.downloadWillBegin` as Electron's `will-download` event with a
 * `DownloadItem`, `Browser.downloadProgress` as its `updated`/`done` events. Chromium saves the
 * file under its guid in a staging folder; when it completes the item moves it to its save path
 * (`setSavePath`, else the download folder and the suggested file name).
 * `event.preventDefault()` and `item.cancel()` cancel it (`Browser.cancelDownload`), and it ends
 * `cancelled`; one the network broke off is `interrupted` (CDP reports both as "canceled"): as
 * Electron's, `updated` tells it, `canResume()` is true, and `resume()` starts it again (below) or
 * `cancel()` ends it `cancelled`.
 * CDP has no pause or resume of a download (the Browser domain has `cancelDownload` only), so
 * `pause()` stops Chromium's transfer (`Browser.cancelDownload`; the item stays `progressing`,
 * paused, and `canResume()` is true) and `resume()` starts it again from the first byte in a
 * background page of the context opened at the URL (closed once its download begins), as
 * Electron's `resume()` does when the server cannot continue a download (no Range, ETag or
 * Last-Modified): the received bytes start again from 0 and no second `will-download` is emitted.
 * A download that needed its page (a POST, a `blob:` URL) cannot start again that way: its
 * `resume()` ends it `interrupted` when no download begins within 30 s.
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

/** What an item asks of the session's downloads: each acts on Chromium's current download. */
export interface DownloadControls {
  /** Cancels Chromium's download (`Browser.cancelDownload`). */
  cancel(): Promise<void>;
  /** Stops Chromium's download for a pause: its end is not the item's. */
  stop(): Promise<void>;
  /** Starts the download again from its first byte (after a pause). */
  restart(): Promise<void>;
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
  readonly #controls: DownloadControls;
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
  #paused = false;

  /** Made by the session for each `Browser.downloadWillBegin`. */
  constructor(url: string, suggestedFilename: string, controls: DownloadControls) {
    super();
    this.#url = url;
    this.#filename = suggestedFilename;
    this.#controls = controls;
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
  /**
   * Pauses the download: Chromium's transfer stops (CDP cannot hold it, so it is cancelled); the
   * item stays `progressing` and `updated` is emitted, as Electron's.
   */
  pause(): void {
    if (this.#state !== "progressing" || this.#paused || this.#cancelled) return;
    this.#paused = true;
    void this.#controls.stop().catch(() => {});
    this.emit("updated", "progressing");
  }
  /** Whether the download is paused. */
  isPaused(): boolean {
    return this.#paused;
  }
  /**
   * Resumes a paused or interrupted download from its first byte (Electron's `resume()` for a
   * server that cannot continue one): CDP cannot continue Chromium's download where it stopped.
   */
  resume(): void {
    if (!this.canResume()) return;
    this.#state = "progressing";
    this.#paused = false;
    this.#received = 0;
    this.#rate = { at: performance.now(), bytes: 0 };
    this.#speed = 0;
    this.emit("updated", "progressing");
    void this.#controls.restart().catch(() => this._done("interrupted"));
  }
  /** Whether `resume()` would start it again: paused or interrupted (Chromium's `CanResume`). */
  canResume(): boolean {
    return (this.#state === "progressing" && this.#paused) || this.#state === "interrupted";
  }
  /** Cancels the download. */
  cancel(): void {
    if (this.#state === "interrupted") return this.#finish("cancelled");
    if (this.#state !== "progressing" || this.#cancelled) return;
    this.#cancelled = true;
    // a paused download has no transfer left to cancel
    if (this.#paused) return this._done("cancelled");
    void this.#controls.cancel().catch(() => {});
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

  /**
   * The network broke it off: `interrupted`, resumable, not done (Electron's `updated`).
   * @internal
   */
  _interrupt(): void {
    if (this.#state !== "progressing") return;
    this.#state = "interrupted";
    this.emit("updated", "interrupted");
  }

  /** The end. @internal */
  _done(state: Exclude<BrowserDownloadState, "progressing">, savePath?: string): void {
    if (this.#state !== "progressing") return;
    if (savePath) this.#savePath = savePath;
    this.#finish(state);
  }

  #finish(state: Exclude<BrowserDownloadState, "progressing">): void {
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
  const guids = new Map<BrowserDownloadItem, string>();
  /** Items started again, by URL, until their new download begins in their background page. */
  const restarts = new Map<string, Restart[]>();
  const cancel = (item: BrowserDownloadItem) =>
    connection.send("Browser.cancelDownload", { guid: guids.get(item)!, browserContextId });
  const controlsOf = (item: () => BrowserDownloadItem): DownloadControls => ({
    cancel: () => cancel(item()),
    stop: () => {
      items.delete(guids.get(item())!); // its "canceled" progress is not the item's end
      return cancel(item());
    },
    restart: () => restartDownload(connection, browserContextId, restarts, item()),
  });
  const offs = [
    connection.on("Browser.downloadWillBegin", (event) => {
      // the background page of a restart (ours, maybe not yet attached); CDP answers
      // Target.createTarget before that page's events
      const restarted = takeRestart(restarts, event.url, event.frameId);
      if (restarted) {
        const { item } = restarted;
        void connection.send("Target.closeTarget", { targetId: event.frameId }).catch(() => {});
        if (item.getState() !== "progressing") return; // cancelled while it started again
        items.set(event.guid, item);
        guids.set(item, event.guid);
        if (item._cancelRequested) void cancel(item).catch(() => {});
        return;
      }
      if (!owns(event.frameId)) return; // another context's
      let made: BrowserDownloadItem | null = null;
      const item = new BrowserDownloadItem(
        event.url,
        event.suggestedFilename,
        controlsOf(() => made!),
      );
      made = item;
      items.set(event.guid, item);
      guids.set(item, event.guid);
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
      // own retries): nobody cancelled it, so it is Electron's resumable `interrupted`
      if (event.state === "canceled") return item._interrupt();
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
    for (const waiting of restarts.values()) for (const { timer } of waiting) clearTimeout(timer);
  };
}

/** A paused item started again, waiting for its download to begin in a background page. */
interface Restart {
  item: BrowserDownloadItem;
  /** The background page (unknown until `Target.createTarget` answers). */
  targetId?: string;
  /** Ends the item `interrupted` when no download begins. */
  timer: ReturnType<typeof setTimeout>;
}

/** How long a restarted download may take to begin before the item ends `interrupted`. */
const RESTART_TIMEOUT_MS = 30_000;

/** Opens a background page of the context at the item's URL, whose download becomes the item's. */
async function restartDownload(
  connection: CdpConnection,
  browserContextId: string | undefined,
  restarts: Map<string, Restart[]>,
  item: BrowserDownloadItem,
): Promise<void> {
  const url = item.getURL();
  const waiting = restarts.get(url) ?? [];
  restarts.set(url, waiting);
  const restart: Restart = {
    item,
    timer: setTimeout(() => {
      waiting.splice(waiting.indexOf(restart), 1);
      if (restart.targetId) {
        void connection.send("Target.closeTarget", { targetId: restart.targetId }).catch(() => {});
      }
      item._done("interrupted");
    }, RESTART_TIMEOUT_MS),
  };
  waiting.push(restart);
  const { targetId } = await connection.send("Target.createTarget", {
    url,
    browserContextId,
    background: true,
  });
  restart.targetId = targetId;
}

/** The restart a download that begins in `frameId` at `url` belongs to (taken off the list). */
function takeRestart(
  restarts: Map<string, Restart[]>,
  url: string,
  frameId: string,
): Restart | null {
  const waiting = restarts.get(url);
  if (!waiting) return null;
  let index = waiting.findIndex((r) => r.targetId === frameId);
  // Target.createTarget's answer and the page's downloadWillBegin can arrive in one read of the
  // connection, the event dispatched before the answer's await resumes: a restart of this URL
  // whose page id is not known yet is this one
  if (index < 0) index = waiting.findIndex((r) => r.targetId === undefined);
  if (index < 0) return null;
  const [restart] = waiting.splice(index, 1);
  if (waiting.length === 0) restarts.delete(url);
  clearTimeout(restart.timer);
  return restart;
}
