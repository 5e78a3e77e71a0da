/**
 * `deno run -A scripts/bench/_chromium_session_messages.ts`: every CDP message a Chromium-backed
 * session exchanges with Chromium, counted by direction, method and target type, at page open and
 * per page load, next to a minimal client doing the same loads through a relay with the Fetch
 * domain pausing each request (a diagnostic for `chromium_session`, not run by `deno task bench`).
 *
 * Both run on one connection (the session's own pipe): commands are counted where the connection
 * sends them, events where it receives them (`observe`), each under the type of the target whose
 * session carried it (`browser` for the browser session). For the loads it also prints how long
 * this process holds each paused request: from `Fetch.requestPaused`'s arrival on the connection
 * to its `Fetch.continueRequest` being written (median, 90th percentile, maximum).
 *
 * @module
 */
import { browserSession, launch } from "../../entries/cdp.ts";
import { session } from "../../mod.ts";
import { startPageServer } from "./_page_server.ts";
import { minimalPage } from "./_minimal_cdp_page.ts";
import { startProxyRelay } from "../../adapters/socks/relay.ts";

const SUBRESOURCES = 20;
const LOADS = Number(Deno.env.get("BENCH_LOADS") ?? 20);

const { origin, server } = await startPageServer(SUBRESOURCES);
const url = `${origin}/`;

const browser = await launch({ pipe: true });
const connection = browser.connection;

/** Counts by "direction method @type", and the type of each session id seen. */
const counts = new Map<string, number>();
const types = new Map<string, string>([["", "browser"]]);
let counting = true;
/** Paused request id -> when its event arrived; the holds measured since the last flush. */
const pausedAt = new Map<string, number>();
const holds: number[] = [];
const count = (key: string) => {
  if (counting) counts.set(key, (counts.get(key) ?? 0) + 1);
};
connection.observe((method, params, sessionId) => {
  if (method === "Target.attachedToTarget") {
    const event = params as { sessionId: string; targetInfo: { type: string } };
    types.set(event.sessionId, event.targetInfo.type);
  }
  count(`<- ${method} @${types.get(sessionId) ?? sessionId}`);
  if (method === "Fetch.requestPaused") {
    pausedAt.set((params as { requestId: string }).requestId, performance.now());
  }
});
const sendRaw = connection.sendRaw.bind(connection);
connection.sendRaw = (method, params, options) => {
  const sessionId = options?.sessionId ?? "";
  count(`-> ${method} @${types.get(sessionId) ?? sessionId}`);
  const requestId = (params as { requestId?: string } | undefined)?.requestId;
  const at = method === "Fetch.continueRequest" ? pausedAt.get(requestId ?? "") : undefined;
  const sent = sendRaw(method, params, options);
  if (at !== undefined) {
    holds.push(performance.now() - at);
    pausedAt.delete(requestId!);
  }
  return sent;
};

/** Prints the counts since the last call, divided by `per`, and starts again. */
function flush(title: string, per = 1): void {
  console.log(`\n== ${title}${per > 1 ? ` (per load, ${per} loads)` : ""}`);
  for (const [key, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`${(n / per).toFixed(2).padStart(8)}  ${key}`);
  }
  counts.clear();
  if (holds.length === 0) return;
  holds.sort((a, b) => a - b);
  const at = (q: number) => holds[Math.min(holds.length - 1, Math.floor(q * holds.length))];
  console.log(
    `held per pause: median ${at(0.5).toFixed(3)} ms, p90 ${at(0.9).toFixed(3)} ms, ` +
      `max ${holds[holds.length - 1].toFixed(3)} ms (${holds.length} pauses; load average ${
        Deno.loadavg().map((v) => v.toFixed(2)).join(" ")
      })`,
  );
  holds.length = 0;
}

const ses = await browserSession(browser, "bench-chromium-session-messages");
flush("session start");
const page = await ses.pages.open();
flush("session page open (no listener yet)");
for (let i = 0; i < 5; i++) await page.goto(url);
flush("session loads without a listener", 5);
ses.webRequest.onBeforeRequest((_details, callback) => callback({}));
await page.goto(url);
flush("adding an onBeforeRequest listener, and the next load");
for (let i = 0; i < 3; i++) await page.goto(url);
counts.clear();
holds.length = 0;
for (let i = 0; i < LOADS; i++) await page.goto(url);
flush("session loads", LOADS);

const relay = await startProxyRelay(() => Promise.resolve([null]));
const { load: loadUrl } = await minimalPage(connection, {
  relayPort: relay.port,
  paused: true,
});
flush("minimal page open (the session's tree attaches to it too)");
const load = () => loadUrl(url);
for (let i = 0; i < 3; i++) await load();
counts.clear();
holds.length = 0;
for (let i = 0; i < LOADS; i++) await load();
flush("minimal loads", LOADS);

counting = false;
await session.closePartition("bench-chromium-session-messages");
await relay.close();
await browser.close();
server.close();
