/**
 * `deno run -A scripts/bench/_chromium_pause_cost.ts`: this process's CPU per `Fetch.requestPaused`
 * of a Chromium-backed session, without Chromium (a diagnostic for `chromium_session`, not run by
 * `deno task bench`). Pause messages as Chromium sends them for a page's images are fed to a
 * `CdpConnection` over an in-memory transport; the session's `FetchBridge` walks each through a
 * session with the plugins of a Chromium-backed one and one `onBeforeRequest` listener that calls
 * back at once, and the transport answers each command. Bursts of 20 pauses, then a macrotask;
 * ROUNDS rounds of 500 bursts. Prints the CPU µs per pause of each round (`process.cpuUsage`,
 * every thread of the process, the garbage collector's too, and this script's own making and
 * answering of messages, about 8 µs), so that two versions of the code compare without the pipe's
 * and Chromium's noise.
 *
 * @module
 */
import process from "node:process";
import { session } from "../../mod.ts";
import { CdpConnection } from "../../kernel/cdp/connection.ts";
import { FetchBridge } from "../../plugins/cdp/_fetch_bridge.ts";
import type { CdpTransport } from "../../kernel/cdp/transport.ts";
import { webRequestPlugin } from "../../plugins/web-request/mod.ts";
import { proxyPlugin } from "../../entries/proxy.ts";

const SID = "7F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C";
let sent = 0;
const transport: CdpTransport & { onmessage: ((m: string) => void) | null } = {
  onmessage: null,
  closed: new Promise(() => {}),
  send(text: string) {
    sent++;
    const m = JSON.parse(text);
    const reply = m.sessionId
      ? `{"id":${m.id},"result":{},"sessionId":"${m.sessionId}"}`
      : `{"id":${m.id},"result":{}}`;
    queueMicrotask(() => transport.onmessage!(reply));
  },
  close() {},
};
const connection = new CdpConnection(transport);
// the plugins of a Chromium-backed session (entries/cdp.ts), the browser-session plugin aside
const ses = session.fromPartition("pause-cost", {
  preset: false,
  plugins: [webRequestPlugin, proxyPlugin],
}) as unknown as {
  webRequest: { onBeforeRequest(fn: (d: unknown, cb: (a: unknown) => void) => void): void };
};
let seen = 0;
ses.webRequest.onBeforeRequest((_details, callback) => {
  seen++;
  callback({});
});
const bridge = new FetchBridge(ses as never);
let cdp: unknown;
connection.onSessionAttached((s) => cdp = s);
transport.onmessage!(JSON.stringify({
  method: "Target.attachedToTarget",
  params: {
    sessionId: SID,
    targetInfo: { targetId: "T1", type: "page", url: "about:blank", attached: true },
    waitingForDebugger: false,
  },
}));
const node = {
  sessionId: SID,
  targetId: "T1",
  parentSessionId: "",
  children: new Set(),
  info: { targetId: "T1", type: "page", url: "about:blank" },
  ready: true,
};
await bridge.attach(cdp as never, node as never);

const origin = "http://127.0.0.1:40123";
const headers = {
  "Accept": "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
  "Referer": `${origin}/`,
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
  "sec-ch-ua": '"Chromium";v="156", "Not-A.Brand";v="24", "HeadlessChrome";v="156"',
  "sec-ch-ua-mobile": "?0",
  "sec-ch-ua-platform": '"Linux"',
};
let job = 0;
const pause = (i: number) =>
  JSON.stringify({
    method: "Fetch.requestPaused",
    params: {
      requestId: `interception-job-${++job}.0`,
      request: {
        url: `${origin}/r/${i}.png`,
        method: "GET",
        headers,
        initialPriority: "Low",
        referrerPolicy: "strict-origin-when-cross-origin",
      },
      frameId: "T1",
      resourceType: "Image",
    },
    sessionId: SID,
  });
const macrotask = () => new Promise((r) => setTimeout(r, 0));
async function run(bursts: number) {
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < 20; i++) transport.onmessage!(pause(i));
    await macrotask();
  }
}
await run(300); // warm-up
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 5);
const results: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const bursts = 500;
  const seen0 = seen;
  const c0 = process.cpuUsage();
  await run(bursts);
  const c = process.cpuUsage(c0);
  if (seen - seen0 !== bursts * 20) throw new Error(`saw ${seen - seen0}`);
  results.push((c.user + c.system) / (bursts * 20));
}
results.sort((a, b) => a - b);
console.log(JSON.stringify({
  tag: Deno.env.get("TAG") ?? "",
  usPerPause: results.map((x) => +x.toFixed(1)),
  median: +results[Math.floor(results.length / 2)].toFixed(1),
  sent,
  load: Deno.loadavg().map((x) => x.toFixed(2)).join(" "),
}));
Deno.exit(0);
