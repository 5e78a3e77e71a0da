/**
 * The downloads of the server's sessions, for the API (`/api/downloads`) and the dashboard's
 * Downloads view: every item a watched session announces in `will-download` gets an id and is
 * kept (the newest `keep`), and each of its `updated`/`done` events is published on the live
 * stream as a `download` event carrying the item's snapshot.
 *
 * @module
 */
import type { Session } from "../../mod.ts";
import type { DownloadItem } from "../../plugins/downloads/mod.ts";
import type { EventStream } from "./event_stream.ts";

/** One download as the API and the dashboard show it. */
export interface DownloadSnapshot {
  /** The server's id of the item. */ id: number;
  /** The partition of its session. */ partition: string;
  /** `getURL()`. */ url: string;
  /** `getFilename()`. */ filename: string;
  /** `getSavePath()` (empty until known). */ savePath: string;
  /** `getMimeType()`. */ mimeType: string;
  /** `getState()`. */ state: string;
  /** `isPaused()`. */ paused: boolean;
  /** `canResume()`. */ canResume: boolean;
  /** `getReceivedBytes()`. */ receivedBytes: number;
  /** `getTotalBytes()` (0 unknown). */ totalBytes: number;
  /** `getPercentComplete()` (-1 while the size is unknown). */ percentComplete: number;
  /** `getCurrentBytesPerSecond()`. */ bytesPerSecond: number;
  /** `getStartTime()`, seconds since the epoch. */ startTime: number;
  /** `getEndTime()`, 0 while not done. */ endTime: number;
}

/** What an action route may do to an item. */
export type DownloadAction = "pause" | "resume" | "cancel";

function snapshot(id: number, partition: string, item: DownloadItem): DownloadSnapshot {
  return {
    id,
    partition,
    url: item.getURL(),
    filename: item.getFilename(),
    savePath: item.getSavePath(),
    mimeType: item.getMimeType(),
    state: item.getState(),
    paused: item.isPaused(),
    canResume: item.canResume(),
    receivedBytes: item.getReceivedBytes(),
    totalBytes: item.getTotalBytes(),
    percentComplete: item.getPercentComplete(),
    bytesPerSecond: Math.round(item.getCurrentBytesPerSecond()),
    startTime: item.getStartTime(),
    endTime: item.getEndTime(),
  };
}

/**
 * Watches sessions' downloads, numbers them, and starts new ones.
 *
 * @example
 * ```ts
 * // const downloads = new DownloadList(events);
 * // downloads.watch(ses);
 * // const first = await downloads.start(ses, "https://example.com/file.zip");
 * ```
 */
export class DownloadList {
  #events: EventStream;
  #keep: number;
  #items = new Map<number, { partition: string; item: DownloadItem }>();
  #watched = new Map<Session, () => void>();
  #waiting = new Map<Session, Array<{ url: string; resolve: (id: number) => void }>>();
  #next = 1;

  /** Publishes on `events`; keeps the newest `keep` items (default 200). */
  constructor(events: EventStream, keep = 200) {
    this.#events = events;
    this.#keep = keep;
  }

  /** Starts listing the downloads of `ses` (once per session). */
  watch(ses: Session): void {
    if (this.#watched.has(ses)) return;
    const onWillDownload = (_event: unknown, item: DownloadItem) => this.#add(ses, item);
    ses.on("will-download", onWillDownload as never);
    this.#watched.set(ses, () => ses.off("will-download", onWillDownload as never));
  }

  /**
   * Starts downloading `url` in `ses` (`ses.downloadURL`); resolves to the item's id once the
   * session announced it (after the response's headers, or the failure).
   */
  start(ses: Session, url: string): Promise<number> {
    this.watch(ses);
    const href = new URL(url).href;
    const list = this.#waiting.get(ses) ?? [];
    this.#waiting.set(ses, list);
    const started = new Promise<number>((resolve) => list.push({ url: href, resolve }));
    try {
      (ses as unknown as { downloadURL(url: string): void }).downloadURL(href);
    } catch (error) {
      list.pop();
      throw error;
    }
    return started;
  }

  /** Every kept download, oldest first; only those of `partition` when given. */
  list(partition?: string): DownloadSnapshot[] {
    return [...this.#items.keys()].map((id) => this.get(id))
      .filter((download) => download && (!partition || download.partition === partition))
      .map((download) => download!);
  }

  /** One download, or undefined (also once a `will-download` listener prevented it). */
  get(id: number): DownloadSnapshot | undefined {
    const kept = this.#items.get(id);
    if (!kept) return undefined;
    try {
      return snapshot(id, kept.partition, kept.item);
    } catch {
      // Destroyed: an item prevented in will-download is gone from the next tick (Electron's).
      this.#items.delete(id);
      return undefined;
    }
  }

  /** Pauses, resumes or cancels a download (as its `DownloadItem` method does); false if none. */
  act(id: number, action: DownloadAction): boolean {
    const kept = this.#items.get(id);
    if (!kept || !this.get(id)) return false;
    kept.item[action]();
    return true;
  }

  /** Stops watching every session. */
  close(): void {
    for (const stop of this.#watched.values()) stop();
    this.#watched.clear();
  }

  #add(ses: Session, item: DownloadItem): void {
    const id = this.#next++;
    const partition = ses.partition;
    this.#items.set(id, { partition, item });
    for (const old of this.#items.keys()) {
      if (this.#items.size <= this.#keep) break;
      this.#items.delete(old);
    }
    const publish = () => {
      if (!this.#items.has(id)) return;
      const download = snapshot(id, partition, item);
      this.#events.publish({ type: "download", id, url: download.url, elapsed: 0, download });
    };
    item.on("updated", publish);
    item.on("done", publish);
    publish();
    const waiting = this.#waiting.get(ses) ?? [];
    const first = item.getURLChain()[0] ?? item.getURL();
    const index = waiting.findIndex((w) => w.url === first);
    if (index >= 0) waiting.splice(index, 1)[0].resolve(id);
  }
}
