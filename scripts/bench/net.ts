/**
 * `deno task bench net`: `net.request` and `ses.fetch` against raw `fetch` on loopback, in the
 * same run, 64 requests in flight (goal: at least 0.85 of raw fetch's throughput for both), and a
 * 256 MiB chunked upload through `net.request` (goal: peak RSS under 64 MiB above the baseline
 * before it), next to the same upload with raw fetch and a streamed body.
 *
 * @module
 */
import process from "node:process";
import { configure, net, type Session, session } from "../../mod.ts";
import { protocolPlugin } from "../../plugins/protocol/mod.ts";
import { finish, percentile, report } from "./_report.ts";

const IN_FLIGHT = 64;
const ROUND_MS = 500;
const ROUNDS = 11;
const CPU_ROUNDS = 10;
const UPLOAD = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;

configure({ storagePath: await Deno.makeTempDir({ prefix: "websession-bench-net-" }) });

const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "--allow-net", new URL("./_net_server.ts", import.meta.url).pathname],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let line = "";
while (!line.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("The bench server exited before printing its port");
  line += value;
}
const origin = `http://127.0.0.1:${Number(line.trim())}`;
const url = `${origin}/`;

const ses = session.fromPartition("bench-net");
const bare = session.fromPartition("bench-net-bare", { preset: false, plugins: [protocolPlugin] });
await ses.ready;
await bare.ready;

async function rawFetch(): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
}

const sessionFetch = (target: Session) => async (): Promise<void> => {
  const response = await target.fetch(url);
  await response.arrayBuffer();
};

const clientRequest = (target: Session) => (): Promise<void> =>
  new Promise((resolve, reject) => {
    const request = net.request({ url, session: target });
    request.on("response", (response) => response.on("data", () => {}));
    request.on("error", reject);
    request.on("close", () => resolve());
    request.end();
  });

async function throughput(fn: () => Promise<void>, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await fn();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

// `ses` has the default preset (webRequest, cookies, proxy, cdp, protocol: what users get);
// `bare` only the protocol plugin, to tell the kernel's and net's cost from the other plugins'.
const modes = {
  raw: rawFetch,
  session: sessionFetch(ses),
  request: clientRequest(ses),
  bareSession: sessionFetch(bare),
  bareRequest: clientRequest(bare),
};
type Measured = Exclude<keyof typeof modes, "raw">;
const FIGURES: ReadonlyArray<[Measured, string]> = [
  ["session", "ses.fetch (default preset)"],
  ["request", "net.request (default preset)"],
  ["bareSession", "ses.fetch (protocol plugin only)"],
  ["bareRequest", "net.request (protocol plugin only)"],
];
type Mode = keyof typeof modes;
for (const fn of Object.values(modes)) await throughput(fn, 300); // warm-up
// Short rounds in rotating order. Each round measures every mode back to back, and the ratio is
// the median of the rounds' own ratios: the machine is shared, and a burst of load elsewhere
// then moves one round's figures together instead of favouring one mode.
const samples = Object.fromEntries(Object.keys(modes).map((m) => [m, []])) as unknown as Record<
  Mode,
  number[]
>;
const ratios = Object.fromEntries(FIGURES.map(([m]) => [m, []])) as unknown as Record<
  Measured,
  number[]
>;
const names = Object.keys(modes) as Mode[];
for (let round = 0; round < ROUNDS; round++) {
  const got = {} as Record<Mode, number>;
  for (let i = 0; i < names.length; i++) {
    const name = names[(round + i) % names.length];
    got[name] = await throughput(modes[name], ROUND_MS);
    samples[name].push(got[name]);
  }
  for (const [name] of FIGURES) ratios[name].push(got[name] / got.raw);
}
const median = (values: number[]) => percentile(values, 50);
const raw = { name: "raw fetch", value: median(samples.raw) };
for (const [name, figure] of FIGURES) {
  const ratio = median(ratios[name]);
  report({
    bench: "net",
    figure: `${figure} throughput, ${IN_FLIGHT} in flight (medians of ${ROUNDS} rounds)`,
    value: median(samples[name]),
    unit: "req/s",
    baseline: raw,
    ratio,
    goal: "ratio >= 0.85 (median of the rounds' ratios)",
    met: ratio >= 0.85,
  });
}

// CPU time per request (all threads of this process, best of several rounds): steadier than
// throughput on a shared machine, and it says where the time goes.
const cpu = Object.fromEntries(Object.keys(modes).map((m) => [m, Infinity])) as Record<
  Mode,
  number
>;
for (let round = 0; round < CPU_ROUNDS; round++) {
  for (const name of names) {
    const start = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 100; i++) await modes[name]();
      }),
    );
    const used = process.cpuUsage(start);
    cpu[name] = Math.min(cpu[name], (used.user + used.system) / 1600);
  }
}
for (const [name, figure] of FIGURES) {
  report({
    bench: "net",
    figure: `${figure} CPU per request (best of ${CPU_ROUNDS} rounds, 16 in flight)`,
    value: cpu[name],
    unit: "µs",
    baseline: { name: "raw fetch", value: cpu.raw },
  });
}

async function peakGrowth(upload: () => Promise<string>): Promise<{ mib: number; ms: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const start = performance.now();
  const answer = await upload();
  const ms = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (Number(answer) !== UPLOAD) throw new Error(`The server received ${answer} bytes`);
  return { mib: (peak - baseline) / 2 ** 20, ms };
}

const chunk = new Uint8Array(CHUNK).fill(97);

function rawUpload(): Promise<string> {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= UPLOAD) return controller.close();
      sent += CHUNK;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return fetch(`${origin}/upload`, { method: "POST", body, duplex: "half" } as RequestInit)
    .then((r) => r.text());
}

function requestUpload(): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = net.request({ method: "POST", url: `${origin}/upload`, session: ses });
    request.chunkedEncoding = true;
    let text = "";
    request.on("response", (response) => {
      response.setEncoding("utf8");
      response.on("data", (part) => (text += String(part)));
    });
    request.on("error", reject);
    request.on("close", () => resolve(text));
    (async () => {
      for (let sent = 0; sent < UPLOAD; sent += CHUNK) {
        if (!request.write(chunk)) await new Promise((r) => request.once("drain", r));
      }
      request.end();
    })();
  });
}

const rawMemory = await peakGrowth(rawUpload);
const requestMemory = await peakGrowth(requestUpload);
report({
  bench: "net",
  figure: "net.request 256 MiB chunked upload, peak RSS above baseline",
  value: requestMemory.mib,
  unit: "MiB",
  baseline: { name: "raw fetch streamed upload", value: rawMemory.mib },
  goal: "value < 64 MiB",
  met: requestMemory.mib < 64,
});
report({
  bench: "net",
  figure: "net.request 256 MiB chunked upload, throughput",
  value: UPLOAD / 2 ** 20 / (requestMemory.ms / 1000),
  unit: "MiB/s",
  baseline: { name: "raw fetch streamed upload", value: UPLOAD / 2 ** 20 / (rawMemory.ms / 1000) },
});
finish();
child.kill();
await child.status;
Deno.exit(0);
