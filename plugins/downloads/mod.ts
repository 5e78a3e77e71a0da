/**
 * The downloads plugin: Electron's `ses.downloadURL(url[, options])`,
 * `ses.createInterruptedDownload(options)`, `ses.setDownloadPath(path)`, the session's
 * `will-download` event `(event, item, webContents)` (`webContents` is null: websession has no
 * pages; `event.preventDefault()` cancels) and `DownloadItem`. Every download walks the session's
 * pipeline (cookies, webRequest, proxy, authentication, cache), streams into
 * `<file>.crdownload` and is renamed once complete. Without a save path set in `will-download`,
 * the file goes to the folder of `setDownloadPath`, else the user's Downloads folder (there is no
 * save dialog), under the name Chromium would pick, made unique with ` (1)`, ` (2)`, ...
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("downloads-example");
 * ses.setDownloadPath("/tmp/downloads");
 * ses.on("will-download", (_event, item) => {
 *   item.once("done", (_e, state) => console.log(state, item.getSavePath()));
 * });
 * ses.downloadURL("https://example.com/file.zip");
 * ```
 *
 * @module
 */
export type * from "../../kernel/mod.ts";
export { DownloadItem, type DownloadState, PARTIAL_SUFFIX } from "./download_item.ts";
export {
  createDownloadsPlugin,
  type CreateInterruptedDownloadOptions,
  type DownloadsMembers,
  downloadsPlugin,
  type DownloadsPluginOptions,
  type DownloadURLOptions,
} from "./plugin.ts";
