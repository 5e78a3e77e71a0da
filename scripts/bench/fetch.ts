/**
 * `deno task bench fetch`: `ses.fetch` (kernel, no plugins) against raw `fetch` to a local
 * `Deno.serve` on 127.0.0.1, sequentially and with 64 requests in flight, measured in the same
 * run, rounds interleaved so that both see the same machine. Goal: at least 0.9 of raw fetch.
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
const ses = session.fromPartition("bench-fetch", { plugins: [] });
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
  for (let i = 0; i < 15; i++) {
    rawRounds.push(await throughput(raw, inFlight, 250));
    sessionRounds.push(await throughput(viaSession, inFlight, 250));
  }
  const value = median(sessionRounds);
  const baseline = median(rawRounds);
  report({
    bench: "fetch",
    figure: inFlight === 1 ? "ses.fetch sequential" : `ses.fetch ${inFlight} in flight`,
    value,
    unit: "req/s",
    baseline: { name: "raw fetch", value: baseline },
    goal: "ratio >= 0.9",
    met: value / baseline >= 0.9,
  });
}

await server.shutdown();
finish();
