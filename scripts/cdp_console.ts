/**
 * `deno task cdp-console <url> [--seconds N] [--pipe] [--headful]`: launches Chromium, opens the
 * URL and prints every console call of every target of the page (the page, its iframes, dedicated,
 * shared and service workers), labelled `"<type>,<url>"` of its source target, until Ctrl-C or
 * for N seconds.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import type { Protocol } from "devtools-protocol";
import { cdp, TargetTree } from "../entries/cdp.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seconds: { type: "string" },
    pipe: { type: "boolean", default: false },
    headful: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: true,
});
const usage = "Usage: deno task cdp-console <url> [--seconds N] [--pipe] [--headful]";
if (values.help || positionals.length !== 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const url = positionals[0];
try {
  new URL(url);
} catch {
  console.error(`Invalid URL: ${url}\n${usage}`);
  process.exit(2);
}
const seconds = values.seconds === undefined ? null : Number(values.seconds);
if (seconds !== null && !(seconds > 0)) {
  console.error(`Invalid --seconds: ${values.seconds}\n${usage}`);
  process.exit(2);
}

function format(arg: Protocol.Runtime.RemoteObject): string {
  if (arg.type === "string") return String(arg.value);
  if ("value" in arg) return JSON.stringify(arg.value);
  return arg.unserializableValue ?? arg.description ?? arg.type;
}

const browser = await cdp.launch({ pipe: values.pipe, headless: !values.headful });
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await browser.close();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
browser.exited.then(() => {
  if (!stopping) {
    console.error("Chromium exited");
    void stop(1);
  }
});

try {
  const tree = await TargetTree.start(browser.connection, {
    hooks: [(session) => session.send("Runtime.enable")],
  });
  browser.connection.on("Runtime.consoleAPICalled", (event, sessionId) => {
    console.log(`[${tree.label(sessionId)}] ${event.type}: ${event.args.map(format).join(" ")}`);
  });
  await tree.newPage(url);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
if (seconds !== null) setTimeout(() => void stop(0), seconds * 1000);
