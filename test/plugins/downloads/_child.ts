/**
 * A separate process for the restart test: `start URL DIR` downloads URL into DIR, pauses once
 * some bytes are in, prints what `createInterruptedDownload` needs as one JSON line, and waits
 * to be killed.
 *
 * @module
 */
import { statSync } from "node:fs";
import process from "node:process";
import { session } from "../../../mod.ts";

const [mode, url, dir] = process.argv.slice(2);
if (mode !== "start") throw new Error(`unknown mode ${mode}`);
const ses = session.fromPartition("download-child");
ses.setDownloadPath(dir);
ses.on("will-download", (_event, item) => {
  const timer = setInterval(() => {
    if (item.getReceivedBytes() < 64 * 1024) return;
    clearInterval(timer);
    item.pause();
    // Printed once what was received is on disk (the process is killed right after).
    const received = item.getReceivedBytes();
    const partial = `${item.getSavePath()}.crdownload`;
    const printWhenWritten = () => {
      if (statSync(partial).size < received) return setTimeout(printWhenWritten, 5);
      console.log(JSON.stringify(info));
    };
    const info = {
      path: item.getSavePath(),
      urlChain: item.getURLChain(),
      mimeType: item.getMimeType(),
      offset: item.getReceivedBytes(),
      length: item.getTotalBytes(),
      lastModified: item.getLastModifiedTime(),
      eTag: item.getETag(),
      startTime: item.getStartTime(),
    };
    printWhenWritten();
  }, 5);
});
ses.downloadURL(url);
setInterval(() => {}, 1000);
