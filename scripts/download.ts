/**
 * `deno task download URL [--to DIR]`: downloads URL through the default session (its cookies,
 * proxy and cache) into DIR (default: the working directory) with a progress bar on stderr, and
 * prints the saved path. Exits 1 when the download is interrupted or cancelled (Ctrl-C cancels and
 * removes the partial file).
 *
 * @module
 */
import { session } from "../mod.ts";
import type { DownloadItem } from "../plugins/downloads/mod.ts";
import { progressLine } from "./_progress_bar.ts";

function usage(message: string): never {
  console.error(`${message}\nUsage: deno task download URL [--to DIR]`);
  Deno.exit(2);
}

const args = [...Deno.args];
let dir = Deno.cwd();
const to = args.indexOf("--to");
if (to >= 0) {
  if (!args[to + 1]) usage("--to needs a folder");
  dir = args[to + 1];
  args.splice(to, 2);
}
if (args.length !== 1) usage("Give one URL");
const url = args[0];
try {
  new URL(url);
} catch {
  usage(`Not a URL: ${url}`);
}
if (!dir.startsWith("/")) dir = `${Deno.cwd()}/${dir}`;

const ses = session.defaultSession as typeof session.defaultSession & {
  setDownloadPath(path: string): void;
  downloadURL(url: string): void;
};
ses.setDownloadPath(dir);
ses.on("hook-error", () => {}); // an interruption is reported by the item's state
const encoder = new TextEncoder();
const draw = (line: string) => Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K`));

let done!: Promise<string>;
const item = await new Promise<DownloadItem>((resolve) => {
  ses.once("will-download", (_event, item: DownloadItem) => {
    done = new Promise<string>((end) => item.once("done", (_e, state: string) => end(state)));
    resolve(item);
  });
  ses.downloadURL(url);
});
Deno.addSignalListener("SIGINT", () => item.cancel());
const timer = setInterval(() => {
  draw(
    progressLine(item.getReceivedBytes(), item.getTotalBytes(), item.getCurrentBytesPerSecond()),
  );
}, 200);
const state = await done;
clearInterval(timer);
draw(progressLine(item.getReceivedBytes(), item.getTotalBytes(), 0));
Deno.stderr.writeSync(encoder.encode("\n"));
if (state !== "completed") {
  console.error(`Download ${state}: ${url}`);
  Deno.exit(1);
}
console.log(item.getSavePath());
Deno.exit(0);
