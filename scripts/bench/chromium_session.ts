/**
 * `deno task bench chromium_session`: page loads per second of a local page with 20
 * subresources, in one headless Chromium, three ways in the same run:
 * - through a Chromium-backed session (`browserSession`) with one observe-only webRequest
 *   listener (every request paused at its request and response stages and walked through the
 *   session's stages);
 * - driven by puppeteer-core with request interception doing the same (an observe-only handler
 *   that continues every request);
 * - without interception (a plain page of the same browser).
 * Goals: ≥ 1.2 × puppeteer-core with interception; ≥ 0.8 × no interception.
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import puppeteer from "puppeteer-core";
import { browserSession, launch } from "../../entries/cdp.ts";
import { session } from "../../mod.ts";
import { finish, report } from "./_report.ts";

const BENCH = "chromium_session";
const SUBRESOURCES = 20;
const LOADS = 30;
const ROUNDS = 3;

const server = createServer((request, response) => {
  if (request.url === "/") {
    const images = Array.from({ length: SUBRESOURCES }, (_, i) => `<img src="/r/${i}.png">`);
    response.writeHead(200, { "content-type": "text/html", "cache-control": "no-store" });
    response.end(`<!doctype html><title>bench</title>${images.join("")}`);
    return;
  }
  response.writeHead(200, { "content-type": "image/png", "cache-control": "no-store" });
  response.end("x".repeat(512));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await launch({ pipe: true, args: ["--remote-debugging-port=0"] });

/** Loads per second of `load`, the median of ROUNDS rounds of LOADS loads. */
async function rate(load: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 3; i++) await load();
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < LOADS; i++) await load();
    rates.push(LOADS / ((performance.now() - start) / 1000));
  }
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

// websession: one observe-only listener on the session's webRequest
const ses = await browserSession(browser, "bench-chromium-session");
let seen = 0;
ses.webRequest.onBeforeRequest((_details, callback) => {
  seen++;
  callback({});
});
const page = await ses.pages.open();
const ours = await rate(() => page.goto(`${origin}/`));

// puppeteer-core: request interception with a handler that observes and continues
const pBrowser = await puppeteer.connect({ browserWSEndpoint: browser.wsEndpoint! });
const context = await pBrowser.createBrowserContext();
const pPage = await context.newPage();
await pPage.setRequestInterception(true);
let pSeen = 0;
pPage.on("request", (request) => {
  pSeen++;
  request.continue().catch(() => {}); // after interception is switched off: nothing to do
});
const theirs = await rate(async () => {
  await pPage.goto(`${origin}/`, { waitUntil: "load" });
});
await pPage.setRequestInterception(false);

// no interception: a plain page of another context, same browser
const plainContext = await pBrowser.createBrowserContext();
const plain = await plainContext.newPage();
const none = await rate(async () => {
  await plain.goto(`${origin}/`, { waitUntil: "load" });
});

const perLoad = SUBRESOURCES + 1;
if (seen < perLoad * LOADS || pSeen < perLoad * LOADS) {
  throw new Error(`The listeners saw too few requests (${seen}, ${pSeen})`);
}
report({
  bench: BENCH,
  figure:
    `page loads (${SUBRESOURCES} subresources) through a Chromium-backed session with one observe-only webRequest listener`,
  value: ours,
  unit: "loads/s",
  baseline: { name: "puppeteer-core with request interception", value: theirs },
  goal: "ratio >= 1.2",
  met: ours / theirs >= 1.2,
});
report({
  bench: BENCH,
  figure: "page loads through a Chromium-backed session",
  value: ours,
  unit: "loads/s",
  baseline: { name: "no interception", value: none },
  goal: "ratio >= 0.8",
  met: ours / none >= 0.8,
});

await pBrowser.disconnect();
await session.closePartition("bench-chromium-session");
await browser.close();
server.close();
finish();
