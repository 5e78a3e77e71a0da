/**
 * `deno run -A scripts/bench/_chromium_session_messages.ts`: every CDP message a Chromium-backed
 * session exchanges with Chromium, counted by direction, method and target type, at page open and
 * per page load, next to a minimal client doing the same loads through a relay with the Fetch
 * domain pausing each request (a diagnostic for `chromium_session`, not run by `deno task bench`).
 *
 * Both run on one connection (the session's own pipe): commands are counted where the connection
 * sends them, events where it receives them (`observe`), each under the type of the target whose
 * session carried it (`browser` for the browser session).
 *
 * @module
 */
import { browserSession, launch } from "../../entries/cdp.ts";
import { session } from "../../mod.ts";
import { startPageServer } from "./_page_server.ts";
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
const count = (key: string) => {
  if (counting) counts.set(key, (counts.get(key) ?? 0) + 1);
};
connection.observe((method, params, sessionId) => {
  if (method === "Target.attachedToTarget") {
    const event = params as { sessionId: string; targetInfo: { type: string } };
    types.set(event.sessionId, event.targetInfo.type);
  }
  count(`<- ${method} @${types.get(sessionId) ?? sessionId}`);
});
const sendRaw = connection.sendRaw.bind(connection);
connection.sendRaw = (method, params, options) => {
  const sessionId = options?.sessionId ?? "";
  count(`-> ${method} @${types.get(sessionId) ?? sessionId}`);
  return sendRaw(method, params, options);
};

/** Prints the counts since the last call, divided by `per`, and starts again. */
function flush(title: string, per = 1): void {
  console.log(`\n== ${title}${per > 1 ? ` (per load, ${per} loads)` : ""}`);
  for (const [key, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`${(n / per).toFixed(2).padStart(8)}  ${key}`);
  }
  counts.clear();
}

const ses = await browserSession(browser, "bench-chromium-session-messages");
ses.webRequest.onBeforeRequest((_details, callback) => callback({}));
flush("session start");
const page = await ses.pages.open();
flush("session page open");
for (let i = 0; i < 3; i++) await page.goto(url);
counts.clear();
for (let i = 0; i < LOADS; i++) await page.goto(url);
flush("session loads", LOADS);

const relay = await startProxyRelay(() => Promise.resolve([null]));
const { browserContextId } = await connection.send("Target.createBrowserContext", {
  proxyServer: `http://127.0.0.1:${relay.port}`,
  proxyBypassList: "<-loopback>",
});
const { targetId } = await connection.send("Target.createTarget", {
  url: "about:blank",
  browserContextId,
});
const { sessionId } = await connection.send("Target.attachToTarget", { targetId, flatten: true });
const cdp = connection.session(sessionId)!;
await cdp.send("Page.enable");
cdp.on("Fetch.requestPaused", ({ requestId }) => {
  cdp.send("Fetch.continueRequest", { requestId }).catch(() => {});
});
await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] });
flush("minimal page open (the session's tree attaches to it too)");
const load = async () => {
  const loaded = new Promise<void>((resolve) => {
    const off = cdp.on("Page.loadEventFired", () => {
      off();
      resolve();
    });
  });
  await cdp.send("Page.navigate", { url });
  await loaded;
};
for (let i = 0; i < 3; i++) await load();
counts.clear();
for (let i = 0; i < LOADS; i++) await load();
flush("minimal loads", LOADS);

counting = false;
await session.closePartition("bench-chromium-session-messages");
await relay.close();
await browser.close();
server.close();
