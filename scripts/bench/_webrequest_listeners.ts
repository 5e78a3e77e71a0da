/**
 * Part (2) of the web-request benchmark: the added cost per request of 1,000 imperative
 * listeners with URL filters, one of them matching, measured against the same session without
 * them (requests answered by a transport tap, so no network is involved).
 *
 * @module
 */
import { configure, definePlugin, session } from "../../mod.ts";
import { percentile, report } from "./_report.ts";
import { webRequestPlugin } from "../../plugins/web-request/mod.ts";

const LISTENERS = 1000;
const ROUNDS = 6;
const PER_ROUND = 1500;

const answer = definePlugin({
  manifest: { name: "bench-answer", version: "1.0.0", hooks: ["transport"] },
  setup(ctx) {
    ctx.tap("transport", () => new Response("ok"));
  },
});

async function timeRequests(fetchOne: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fetchOne();
    out.push((performance.now() - t0) * 1000);
  }
  return out;
}

/**
 * Runs part (2) and reports its figure.
 *
 * @example
 * ```ts
 * // await listenerBench("webrequest");
 * ```
 */
export async function listenerBench(bench: string): Promise<void> {
  configure({ storagePath: `${Deno.makeTempDirSync()}` });
  const bare = session.fromPartition("bench-listeners-bare", {
    preset: false,
    plugins: [webRequestPlugin, answer],
  });
  const busy = session.fromPartition("bench-listeners-busy", {
    preset: false,
    plugins: [webRequestPlugin, answer],
  });
  await Promise.all([bare.ready, busy.ready]);
  let matched = 0;
  for (let i = 0; i < LISTENERS; i++) {
    const host = i === LISTENERS / 2 ? "target.example" : `host${i}.example`;
    busy.webRequest.events.onBeforeRequest.addListener(
      () => {
        matched++;
        return undefined;
      },
      { urls: [`https://${host}/*`, `https://*.${host}/api/*`] },
      ["blocking"],
    );
  }
  const url = "https://target.example/page?q=1";
  const one = (ses: typeof bare) => () => ses.fetch(url).then((r) => r.text());
  for (let i = 0; i < 500; i++) {
    await one(bare)();
    await one(busy)();
  }
  // Alternate rounds so that load on the machine hits both alike.
  const without: number[] = [];
  const withListeners: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(...await timeRequests(one(bare), PER_ROUND));
    withListeners.push(...await timeRequests(one(busy), PER_ROUND));
  }
  const base = percentile(without, 50);
  const busyMedian = percentile(withListeners, 50);
  const added = busyMedian - base;
  console.log(`listener calls: ${matched} (one per request expected)`);
  report({
    bench,
    figure: `added cost of ${LISTENERS} filtered listeners (one matching), median per request`,
    value: added,
    unit: "µs",
    baseline: { name: "request without listeners (median)", value: base },
    goal: "added < 20 µs",
    met: added < 20,
  });
  await session.closePartition("bench-listeners-bare");
  await session.closePartition("bench-listeners-busy");
}
