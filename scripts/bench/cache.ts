/**
 * `deno task bench cache`: cached responses per second through `ses.fetch` (the cache plugin
 * alone) against the same requests with `cache: false` (every one reaching a local server), and
 * against a minimal cache made of http-cache-semantics and an in-memory Map in front of raw
 * `fetch` (the baseline cache), all in the same run with interleaved rounds. Goals: at least 5x
 * the uncached requests for small responses, and at least 1x the baseline cache.
 *
 * @module
 */
import CachePolicy from "http-cache-semantics";
import { definePlugin, session } from "../../mod.ts";
import { cachePlugin } from "../../plugins/cache/mod.ts";
import { finish, rate, report } from "./_report.ts";

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () =>
    new Response("a small cached response", {
      headers: { "cache-control": "max-age=3600", "content-type": "text/plain" },
    }),
);
const url = `http://127.0.0.1:${server.addr.port}/small`;
const cached = session.fromPartition("bench-cache", { preset: false, plugins: [cachePlugin] });
const uncached = session.fromPartition("bench-no-cache", {
  preset: false,
  plugins: [cachePlugin],
  cache: false,
});
/** The ceiling: a session whose only tap answers every request with a fixed response. */
const fixedBody = new TextEncoder().encode("a small cached response");
const fixed = session.fromPartition("bench-fixed", {
  preset: false,
  plugins: [definePlugin({
    manifest: { name: "fixed", version: "1.0.0", hooks: ["transport"] },
    setup(ctx) {
      ctx.tap("transport", () =>
        new Response(fixedBody.slice(), {
          headers: { "cache-control": "max-age=3600", "content-type": "text/plain", age: "0" },
        }));
    },
  })],
});
await cached.ready;
await uncached.ready;
await fixed.ready;

/** The baseline: http-cache-semantics policies and bodies in a Map, in front of raw fetch. */
const map = new Map<string, { policy: CachePolicy; body: Uint8Array; status: number }>();
async function baselineFetch(target: string): Promise<Response> {
  const request = { url: target, method: "GET", headers: { host: new URL(target).host } };
  const hit = map.get(target);
  if (hit && hit.policy.satisfiesWithoutRevalidation(request)) {
    return new Response(hit.body as BodyInit, {
      status: hit.status,
      headers: hit.policy.responseHeaders() as Record<string, string>,
    });
  }
  const response = await fetch(target);
  const body = new Uint8Array(await response.arrayBuffer());
  const policy = new CachePolicy(request, {
    status: response.status,
    headers: Object.fromEntries(response.headers),
  }, { shared: false });
  if (policy.storable()) map.set(target, { policy, body, status: response.status });
  return new Response(body as BodyInit, { status: response.status, headers: response.headers });
}

const via = (fetcher: (u: string) => Promise<Response>) => async () => {
  await (await fetcher(url)).arrayBuffer();
};
const ours = via((u) => cached.fetch(u));
const network = via((u) => uncached.fetch(u));
const baseline = via(baselineFetch);
const ceiling = via((u) => fixed.fetch(u));

// Warm up: fill both caches, JIT, connections.
for (const fn of [ours, network, baseline, ceiling]) await rate(fn, 300);
await cached.getCacheSize();

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const oursRounds: number[] = [];
const networkRounds: number[] = [];
const baselineRounds: number[] = [];
const vsNetwork: number[] = [];
const vsBaseline: number[] = [];
const ceilingRounds: number[] = [];
const ceilingVsBaseline: number[] = [];
for (let i = 0; i < 15; i++) {
  const b = await rate(baseline, 150);
  const n = await rate(network, 150);
  const o = await rate(ours, 150);
  baselineRounds.push(b);
  networkRounds.push(n);
  oursRounds.push(o);
  vsNetwork.push(o / n);
  vsBaseline.push(o / b);
  const c = await rate(ceiling, 150);
  ceilingRounds.push(c);
  ceilingVsBaseline.push(c / b);
}
const networkRatio = median(vsNetwork);
const baselineRatio = median(vsBaseline);
report({
  bench: "cache",
  figure: "cached small responses (sequential)",
  value: median(oursRounds),
  unit: "req/s",
  baseline: { name: "uncached requests to a local server", value: median(networkRounds) },
  ratio: networkRatio,
  goal: "ratio >= 5",
  met: networkRatio >= 5,
});
report({
  bench: "cache",
  figure: "cached small responses (sequential)",
  value: median(oursRounds),
  unit: "req/s",
  baseline: { name: "http-cache-semantics + Map", value: median(baselineRounds) },
  ratio: baselineRatio,
  goal: "ratio >= 1",
  met: baselineRatio >= 1,
});

// How fast ses.fetch can answer at all (a tap returning a fixed response): the kernel's part of
// every hit, which the baseline cache does not pay.
report({
  bench: "cache",
  figure: "ses.fetch answered by a fixed-response tap (the pipeline's ceiling)",
  value: median(ceilingRounds),
  unit: "req/s",
  baseline: { name: "http-cache-semantics + Map", value: median(baselineRounds) },
  ratio: median(ceilingVsBaseline),
});

await server.shutdown();
finish();
