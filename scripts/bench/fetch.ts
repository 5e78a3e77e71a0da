/**
 * `deno task bench fetch`: `ses.fetch` (kernel, no plugins) against raw `fetch` to a local
 * `Deno.serve` on 127.0.0.1, sequentially and with 64 requests in flight, measured in the same
 * run, rounds interleaved so that both see the same machine: each round of `ses.fetch` is compared
 * with the raw rounds just before and after it, and the median of those ratios is the figure.
 * Goal: at least 0.9 of raw fetch.
 *
 * @module
 */
import { session } from "../../mod.ts";
import { finish, report } from "./_report.ts";

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("hello from the benchmark server"),
);
const url = `http://127.0.0.1:${server.addr.port}/`;
const ses = session.fromPartition("bench-fetch", { preset: false, plugins: [] });
await ses.ready;

type Fetcher = (url: string) => Promise<Response>;
const raw: Fetcher = (u) => fetch(u);
const viaSession: Fetcher = (u) => ses.fetch(u);

async function throughput(fetcher: Fetcher, inFlight: number, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      const response = await fetcher(url);
      await response.arrayBuffer();
      done++;
    }
  }));
  return done / ((performance.now() - start) / 1000);
}

// Warm both paths (connections, JIT).
await throughput(raw, 8, 500);
await throughput(viaSession, 8, 500);

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

for (const inFlight of [1, 64]) {
  // Short alternating rounds; the median of each side is reported, so that a burst of load from
  // another process hits both sides alike.
  const rawRounds: number[] = [];
  const sessionRounds: number[] = [];
  const againRounds: number[] = [];
  const pairedRatios: number[] = [];
  const noiseRatios: number[] = [];
  for (let i = 0; i < 21; i++) {
    const before = await throughput(raw, inFlight, 200);
    const ours = await throughput(viaSession, inFlight, 200);
    const after = await throughput(raw, inFlight, 200);
    rawRounds.push(before);
    sessionRounds.push(ours);
    againRounds.push(after);
    // Each round's ratio against the raw rounds right around it, so that drifting load cancels.
    pairedRatios.push(ours / ((before + after) / 2));
    noiseRatios.push(after / before);
  }
  const value = median(sessionRounds);
  const baseline = median(rawRounds);
  const ratio = median(pairedRatios);
  // The same raw fetch measured again: how far apart two identical sides land on this machine.
  report({
    bench: "fetch",
    figure: `raw fetch against itself, ${inFlight} in flight (noise floor)`,
    value: median(againRounds),
    unit: "req/s",
    baseline: { name: "raw fetch", value: baseline },
    ratio: median(noiseRatios),
  });
  report({
    bench: "fetch",
    figure: inFlight === 1 ? "ses.fetch sequential" : `ses.fetch ${inFlight} in flight`,
    value,
    unit: "req/s",
    baseline: { name: "raw fetch", value: baseline },
    ratio,
    goal: "ratio >= 0.9 (median of paired rounds)",
    met: ratio >= 0.9,
  });
}

await server.shutdown();
finish();
