/**
 * What a download item is given: the session side it works through (`DownloadHost`: the files,
 * the pipeline, `will-download`) and where it starts from (`DownloadInit`), and the states it
 * goes through.
 *
 * @module
 */
import type { FileSystem } from "../../kernel/storage/files.ts";
import type { DownloadItem } from "./download_item.ts";

/** The suffix of a download's file while it is being written (Chromium's). */
export const PARTIAL_SUFFIX = ".crdownload";

/** `DownloadItem.getState()`. */
export type DownloadState = "progressing" | "completed" | "cancelled" | "interrupted";

/** What a download needs from its session. */
export interface DownloadHost {
  /** The files the download is written to. */
  readonly files: FileSystem;
  /** Sends a GET through the session's pipeline; resolves to the response and the URL chain. */
  send(
    url: string,
    headers: Headers,
    signal: AbortSignal,
  ): Promise<{ response: Response; urlChain: string[] }>;
  /** The path for a file name in the session's download folder (not taken yet). */
  pathFor(filename: string): Promise<string>;
  /** Emits `will-download`; true when a listener called `preventDefault()`. */
  willDownload(item: DownloadItem): boolean;
  /** Reports an error nobody else hears of. */
  report(error: unknown): void;
}

/** What an item starts from: a URL to fetch, or an interrupted download to resume. */
export interface DownloadInit {
  /** The URL chain (the last is the URL the file comes from). */
  urlChain: string[];
  /** Extra request headers (`downloadURL`'s `headers`). */
  headers?: Record<string, string>;
  /** For an interrupted download: its save path. */
  path?: string;
  /** For an interrupted download: the MIME type. */
  mimeType?: string;
  /** For an interrupted download: the bytes already received. */
  offset?: number;
  /** For an interrupted download: the total size (0 unknown). */
  length?: number;
  /** For an interrupted download: the Last-Modified header. */
  lastModified?: string;
  /** For an interrupted download: the ETag header. */
  eTag?: string;
  /** For an interrupted download: when it started (seconds since the epoch). */
  startTime?: number;
}
