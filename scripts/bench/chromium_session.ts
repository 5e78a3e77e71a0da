/**
 * `deno task bench chromium_session`: page loads per second of a local page with 20
 * subresources, in one headless Chromium, three ways in the same run:
 * - through a Chromium-backed session (`browserSession`) with one observe-only webRequest
 *   listener (every request paused at its request stage and walked through the session's
 *   stages);
 * - driven by puppeteer-core with request interception doing the same (an observe-only handler
 *   that continues every request);
 * - without interception (a plain page of the same browser).
 * The three are interleaved round by round (ROUNDS rounds of LOADS loads each, the order rotated
 * every round) so that a change of the machine's load hits all three alike; the figures are the
 * median rates, and each ratio is the median of the rounds' ratios.
 * Goals: ≥ 1.2 × puppeteer-core with interception; ≥ 0.8 × no interception.
 *
 * @module
 */
import puppeteer from "puppeteer-core";
import { browserSession, launch } from "../../entries/cdp.ts";
import { session } from "../../mod.ts";
import { startPageServer } from "./_page_server.ts";
import { finish, percentile, report } from "./_report.ts";

const BENCH = "chromium_session";
const SUBRESOURCES = 20;
const LOADS = Number(Deno.env.get("BENCH_LOADS") ?? 15);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);

const { origin, server } = await startPageServer(SUBRESOURCES);

const browser = await launch({ pipe: true, args: ["--remote-debugging-port=0"] });

// websession: one observe-only listener on the session's webRequest
const ses = await browserSession(browser, "bench-chromium-session");
let seen = 0;
ses.webRequest.onBeforeRequest((_details, callback) => {
  seen++;
  callback({});
});
const page = await ses.pages.open();

// puppeteer-core: request interception with a handler that observes and continues
// puppeteer-core attaches only to the targets of its own contexts: attached to the session's page
// it would enable its domains there (Network, Page, Runtime, ...) and tax websession's loads with
// its events (one run each at load 2.6: 9.2 loads/s without puppeteer connected, 7.7 with)
const puppeteerContexts = new Set<string>();
const pBrowser = await puppeteer.connect({
  browserWSEndpoint: browser.wsEndpoint!,
  targetFilter: (target) => {
    const info = (target as unknown as { _getTargetInfo(): { browserContextId?: string } })
      ._getTargetInfo(); // puppeteer's Target has no public context id before it is attached
    return info.browserContextId === undefined || puppeteerContexts.has(info.browserContextId);
  },
});
const context = await pBrowser.createBrowserContext();
puppeteerContexts.add(context.id!);
const pPage = await context.newPage();
await pPage.setRequestInterception(true);
let pSeen = 0;
pPage.on("request", (request) => {
  pSeen++;
  request.continue().catch(() => {}); // after interception is switched off: nothing to do
});

// no interception: a plain page of another context, same browser
const plainContext = await pBrowser.createBrowserContext();
puppeteerContexts.add(plainContext.id!);
const plain = await plainContext.newPage();

const ways: { name: string; load: () => Promise<unknown>; rates: number[] }[] = [
  { name: "websession", load: () => page.goto(`${origin}/`), rates: [] },
  {
    name: "puppeteer-core interception",
    load: () => pPage.goto(`${origin}/`, { waitUntil: "load" }),
    rates: [],
  },
  {
    name: "no interception",
    load: () => plain.goto(`${origin}/`, { waitUntil: "load" }),
    rates: [],
  },
];
for (const way of ways) for (let i = 0; i < 3; i++) await way.load();
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < ways.length; k++) {
    const way = ways[(r + k) % ways.length];
    const start = performance.now();
    for (let i = 0; i < LOADS; i++) await way.load();
    way.rates.push(LOADS / ((performance.now() - start) / 1000));
  }
  console.log(
    `round ${r + 1}: ${ways.map((w) => `${w.name} ${w.rates[r].toFixed(2)}`).join(", ")}`,
  );
}
await pPage.setRequestInterception(false);

const [ours, theirs, none] = ways.map((w) => w.rates);
const median = (values: number[]) => percentile(values, 50);
const ratios = (base: number[]) => ours.map((v, i) => v / base[i]);

const perLoad = SUBRESOURCES + 1;
const loads = LOADS * ROUNDS;
if (seen < perLoad * loads || pSeen < perLoad * loads) {
  throw new Error(`The listeners saw too few requests (${seen}, ${pSeen})`);
}
const vsTheirs = median(ratios(theirs));
const vsNone = median(ratios(none));
report({
  bench: BENCH,
  figure:
    `page loads (${SUBRESOURCES} subresources) through a Chromium-backed session with one observe-only webRequest listener`,
  value: median(ours),
  unit: "loads/s",
  baseline: { name: "puppeteer-core with request interception", value: median(theirs) },
  ratio: vsTheirs,
  goal: "ratio >= 1.2",
  met: vsTheirs >= 1.2,
});
report({
  bench: BENCH,
  figure: "page loads through a Chromium-backed session",
  value: median(ours),
  unit: "loads/s",
  baseline: { name: "no interception", value: median(none) },
  ratio: vsNone,
  goal: "ratio >= 0.8",
  met: vsNone >= 0.8,
});

await pBrowser.disconnect();
await session.closePartition("bench-chromium-session");
await browser.close();
server.close();
finish();
