/**
 * `deno task bench netlog`: `ses.fetch` to a local `Deno.serve` with the session's net log
 * recording (default capture mode, to a file) against the same session not recording, in the same
 * run, rounds interleaved (each recording round against the plain rounds around it; the median of
 * those ratios is the figure). Goal: at least 0.9 of the plain throughput. The same for HAR
 * recording with bodies omitted (`ses.har.record({ content: "omit" })`).
 *
 * @module
 */
import { session } from "../../mod.ts";
import { finish, report } from "./_report.ts";

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("hello from the benchmark server", { headers: { "set-cookie": "a=1" } }),
);
const url = `http://127.0.0.1:${server.addr.port}/`;
const ses = session.fromPartition("bench-netlog");
await ses.ready;
const dir = await Deno.makeTempDir();

async function throughput(inFlight: number, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      await (await ses.fetch(url)).arrayBuffer();
      done++;
    }
  }));
  return done / ((performance.now() - start) / 1000);
}

async function logging(inFlight: number, ms: number): Promise<number> {
  await ses.netLog.startLogging(`${dir}/net-log.json`);
  try {
    return await throughput(inFlight, ms);
  } finally {
    await ses.netLog.stopLogging();
  }
}

async function harRecording(inFlight: number, ms: number): Promise<number> {
  const recorder = ses.har.record({ content: "omit" });
  try {
    return await throughput(inFlight, ms);
  } finally {
    await recorder.stop();
  }
}

await throughput(8, 500);
await logging(8, 500);
await harRecording(8, 500);

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

const cases = [
  { name: "the net log recording", run: logging },
  { name: "HAR recording (bodies omitted)", run: harRecording },
];
for (const { name, run } of cases) {
  for (const inFlight of [1, 16]) {
    const plainRounds: number[] = [];
    const loggedRounds: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < 15; i++) {
      const before = await throughput(inFlight, 200);
      const logged = await run(inFlight, 200);
      const after = await throughput(inFlight, 200);
      plainRounds.push(before, after);
      loggedRounds.push(logged);
      ratios.push(logged / ((before + after) / 2));
    }
    const ratio = median(ratios);
    report({
      bench: "netlog",
      figure: `ses.fetch with ${name}, ${inFlight} in flight`,
      value: median(loggedRounds),
      unit: "req/s",
      baseline: { name: "ses.fetch not recording", value: median(plainRounds) },
      ratio,
      goal: "ratio >= 0.9 (median of paired rounds)",
      met: ratio >= 0.9,
    });
  }
}

await server.shutdown();
await Deno.remove(dir, { recursive: true });
finish();
