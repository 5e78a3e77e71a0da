/**
 * The downloads plugin itself ({@linkcode createDownloadsPlugin}), apart from `DownloadItem`,
 * which `mod.ts` also exports: the members check their arguments at once, and the item's
 * implementation (`download_item.ts`) loads when the first download starts (cold start, #24).
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { FileSystem } from "../../kernel/storage/files.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { RequestHeaders } from "../../kernel/http/hop_request.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import { type DownloadInit, PARTIAL_SUFFIX } from "./download_host.ts";
import type { DownloadItem } from "./download_item.ts";

const downloadItemModule = onFirstUse(
  "the download item (plugins/downloads/download_item.ts)",
  () => import("./download_item.ts"),
);

/** `ses.downloadURL`'s options. */
export interface DownloadURLOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** `ses.createInterruptedDownload`'s options (Electron's). */
export interface CreateInterruptedDownloadOptions {
  /** Absolute path of the download. */
  path: string;
  /** The download's URL chain. */
  urlChain: string[];
  /** The MIME type. */
  mimeType?: string;
  /** Where the download resumes (bytes already received). */
  offset: number;
  /** The download's total size. */
  length: number;
  /** The Last-Modified header value. */
  lastModified?: string;
  /** The ETag header value. */
  eTag?: string;
  /** When the download started, in seconds since the epoch. */
  startTime?: number;
}

/**
 * The session members the downloads plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: DownloadsMembers = session.fromPartition("downloads-members");
 * ses.setDownloadPath("/tmp");
 * ```
 */
export interface DownloadsMembers {
  /** Starts downloading `url`; the item arrives in `will-download`. */
  downloadURL(url: string, options?: DownloadURLOptions): void;
  /** Makes an interrupted item (from an earlier session) that `resume()` continues. */
  createInterruptedDownload(options: CreateInterruptedDownloadOptions): void;
  /** Sets the folder downloads go to when `will-download` sets no save path. */
  setDownloadPath(path: string): void;
}

/** Options of {@link createDownloadsPlugin}. */
export interface DownloadsPluginOptions {
  /** The file system downloads are written to (without: `downloadURL` throws). */
  files?: FileSystem;
}

function checkUrl(url: unknown, where: string): string {
  if (typeof url !== "string") throw new TypeError(`${where}: url must be a string`);
  try {
    return new URL(url).href;
  } catch {
    throw new TypeError(`${where}: invalid URL "${url}"`);
  }
}

function checkHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) {
    throw new TypeError("downloadURL: Invalid value for headers - must be an object of strings");
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") {
      throw new TypeError(
        `downloadURL: Invalid value for headers - must be an object (headers["${name}"] is not a string)`,
      );
    }
  }
  return { ...(headers as Record<string, string>) };
}

function checkInterrupted(options: unknown): CreateInterruptedDownloadOptions {
  const where = "createInterruptedDownload";
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${where}: options must be an object`);
  }
  const o = { ...options } as CreateInterruptedDownloadOptions;
  o.offset ??= 0;
  // Electron's own checks and messages (shell/browser/api/electron_api_session.cc): Errors. One
  // difference: a length of 0 (unknown: a body streamed without Content-Length) is resumable here.
  if (
    typeof o.path !== "string" || o.path === "" || !Array.isArray(o.urlChain) ||
    o.urlChain.length === 0 || o.length === undefined
  ) {
    throw new Error("Must pass non-empty path, urlChain and length.");
  }
  if (!o.path.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(o.path)) {
    throw new TypeError(`${where}: path must be an absolute path`);
  }
  o.urlChain.forEach((url) => checkUrl(url, `${where}: urlChain`));
  for (const key of ["offset", "length"] as const) {
    if (!Number.isSafeInteger(o[key]) || o[key] < 0) {
      throw new TypeError(`${where}: ${key} must be a non-negative integer`);
    }
  }
  if (o.length > 0 && o.offset >= o.length) {
    throw new Error("Must pass an offset value less than length.");
  }
  for (const key of ["mimeType", "lastModified", "eTag"] as const) {
    if (o[key] !== undefined && typeof o[key] !== "string") {
      throw new TypeError(`${where}: ${key} must be a string`);
    }
  }
  if (o.startTime !== undefined && (typeof o.startTime !== "number" || !(o.startTime >= 0))) {
    throw new TypeError(`${where}: startTime must be a number of seconds`);
  }
  return o;
}

/** `name (1).ext` for `name.ext`. */
function numbered(filename: string, n: number): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? `${filename.slice(0, dot)} (${n})${filename.slice(dot)}` : `${filename} (${n})`;
}

/**
 * Makes the downloads plugin with the file system downloads are written to.
 *
 * @example
 * ```ts
 * const plugin = createDownloadsPlugin();
 * plugin.name; // "downloads"
 * ```
 */
export function createDownloadsPlugin(
  options: DownloadsPluginOptions = {},
): Plugin<DownloadsMembers> {
  return definePlugin<DownloadsMembers>({
    manifest,
    setup(ctx) {
      const ses = ctx.session;
      const files = options.files ?? null;
      let downloadPath: string | null = null;
      const reserved = new Set<string>();
      const items = new Set<DownloadItem>();
      const needFiles = (where: string): FileSystem => {
        if (!files) {
          throw new TypeError(`${where}: downloads need a file system, which this runtime lacks`);
        }
        return files;
      };
      // Electron: "Calling event.preventDefault() will cancel the download and item will not be
      // available from next tick of the process."
      const prevented = (item: DownloadItem): boolean => {
        if (!ses.emit("will-download", item, null).defaultPrevented) return false;
        item.destroySoon();
        return true;
      };
      const host = (fs: FileSystem) => ({
        files: fs,
        async send(url: string, headers: Headers, signal: AbortSignal) {
          await ses.ready;
          let request: PipelineRequest | null = null;
          const response = await ses.pipeline.run({
            url,
            method: "GET",
            headers: new RequestHeaders(headers),
            body: null,
            signal,
            redirect: "follow",
            options: {},
            onStart: (r) => request = r,
          });
          const urlChain = request ? [...(request as PipelineRequest).urlList, response.url] : [];
          return { response, urlChain: urlChain.length > 0 ? urlChain : [url] };
        },
        async pathFor(filename: string) {
          const dir = (downloadPath ?? fs.downloadsDirectory()).replace(/\/+$/, "");
          for (let n = 0;; n++) {
            const path = `${dir}/${n === 0 ? filename : numbered(filename, n)}`;
            if (reserved.has(path)) continue;
            if (await fs.size(path) !== null || await fs.size(path + PARTIAL_SUFFIX) !== null) {
              continue;
            }
            reserved.add(path);
            return path;
          }
        },
        willDownload: (item: DownloadItem) => prevented(item),
        report: (error: unknown) => ctx.report(error, "download"),
      });
      let tornDown = false;
      // Makes an item once its module is loaded (never after teardown) and tracks it.
      const startItem = (
        fs: FileSystem,
        init: DownloadInit,
        then: (item: DownloadItem) => void,
      ) => {
        downloadItemModule().then(({ DownloadItem }) => {
          if (tornDown) return;
          const item = new DownloadItem(host(fs), init);
          items.add(item);
          item.on("done", () => {
            items.delete(item);
            reserved.delete(item.getSavePath());
          });
          then(item);
        }).catch((error) => ctx.report(error, "download"));
      };
      ctx.onTeardown(() => {
        tornDown = true;
        for (const item of items) item.cancel();
      });
      ctx.provide({
        downloadURL(url: string, opts?: DownloadURLOptions) {
          const href = checkUrl(url, "downloadURL");
          if (opts !== undefined && (opts === null || typeof opts !== "object")) {
            throw new TypeError("downloadURL: options must be an object");
          }
          const headers = checkHeaders(opts?.headers);
          startItem(
            needFiles("downloadURL"),
            { urlChain: [href], headers },
            (item) => item.start(),
          );
        },
        createInterruptedDownload(opts: CreateInterruptedDownloadOptions) {
          const o = checkInterrupted(opts);
          const fs = needFiles("createInterruptedDownload");
          startItem(fs, {
            urlChain: o.urlChain.map((u) => new URL(u).href),
            path: o.path,
            mimeType: o.mimeType,
            offset: o.offset,
            length: o.length,
            lastModified: o.lastModified,
            eTag: o.eTag,
            startTime: o.startTime,
          }, (item) => {
            void item.nameFromURL().then(() => {
              if (prevented(item)) item.cancel();
            });
          });
        },
        setDownloadPath(path: string) {
          if (typeof path !== "string" || path === "") {
            throw new TypeError("setDownloadPath: path must be a non-empty string");
          }
          downloadPath = path;
        },
      });
    },
  });
}

/**
 * The downloads plugin without a file system (`downloadURL` throws); the default preset of Deno
 * and Bun uses `createDownloadsPlugin({ files: nodeFiles })`.
 *
 * @example
 * ```ts
 * downloadsPlugin.manifest.api.includes("downloadURL"); // true
 * ```
 */
export const downloadsPlugin: Plugin<DownloadsMembers> = createDownloadsPlugin();
