/**
 * `deno task bench downloads`: a 200 MiB download through `ses.downloadURL` (the session's
 * pipeline, `.crdownload` then rename) against raw `fetch` piped to a file, from the same local
 * server in the same run, alternating three rounds each. Goals: at least 0.9 of the raw
 * throughput, with the process's peak memory growth under 64 MiB during our downloads. The server
 * answers as a static file server does (Accept-Ranges, ETag), so on Deno the body is piped into
 * the file natively; a response that cannot be continued by Range is copied chunk by chunk in
 * JavaScript instead (0.19-0.26 of raw in this bench without those two headers).
 *
 * @module
 */
import process from "node:process";
import { session } from "../../mod.ts";
import type { DownloadItem } from "../../plugins/downloads/mod.ts";
import { finish, report } from "./_report.ts";

const SIZE = 200 * 1024 * 1024;
const BLOCK = new Uint8Array(256 * 1024).map((_, i) => i & 255);
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= SIZE) return controller.close();
      const n = Math.min(BLOCK.length, SIZE - sent);
      controller.enqueue(BLOCK.slice(0, n));
      sent += n;
    },
  }, { highWaterMark: 0 });
  // What a static file server sends: a download it answers can be piped (and resumed by Range).
  return new Response(body, {
    headers: {
      "content-length": String(SIZE),
      "content-type": "application/octet-stream",
      "accept-ranges": "bytes",
      etag: '"big-200"',
    },
  });
});
const url = `http://127.0.0.1:${server.addr.port}/big.bin`;
const dir = await Deno.makeTempDir({ prefix: "websession-bench-downloads-" });
const ses = session.fromPartition("bench-downloads");
ses.setDownloadPath(dir);
await ses.ready;

async function raw(): Promise<number> {
  const start = performance.now();
  const response = await fetch(url);
  const file = await Deno.open(`${dir}/raw.bin`, { write: true, create: true, truncate: true });
  await response.body!.pipeTo(file.writable);
  return SIZE / 1024 / 1024 / ((performance.now() - start) / 1000);
}

/** One download through the session; with `sampleMemory`, its peak memory growth is sampled. */
async function ours(sampleMemory = false): Promise<{ rate: number; peak: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  // Sampling every 5 ms wakes the event loop 200 times a second, which slows the download it
  // measures (and not raw fetch): memory is sampled in rounds of its own.
  const sampler = sampleMemory
    ? setInterval(() => peak = Math.max(peak, process.memoryUsage().rss), 5)
    : undefined;
  const start = performance.now();
  const item = await new Promise<DownloadItem>((resolve) => {
    ses.once("will-download", (_event, item: DownloadItem) => {
      item.setSavePath(`${dir}/ours.bin`);
      resolve(item);
    });
    ses.downloadURL(url);
  });
  const state = await new Promise((resolve) => item.once("done", (_e, s) => resolve(s)));
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  if (state !== "completed") throw new Error(`The download ended ${state}`);
  return { rate: SIZE / 1024 / 1024 / seconds, peak: (peak - baseline) / 1024 / 1024 };
}

await raw();
await ours();
const rawRates: number[] = [];
const ourRates: number[] = [];
const ratios: number[] = [];
let peak = 0;
for (let i = 0; i < 3; i++) {
  const before = await raw();
  const result = await ours();
  const after = await raw();
  rawRates.push(before, after);
  ourRates.push(result.rate);
  ratios.push(result.rate / ((before + after) / 2));
  peak = Math.max(peak, (await ours(true)).peak);
}
const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const ratio = median(ratios);
report({
  bench: "downloads",
  figure: "200 MiB download throughput",
  value: median(ourRates),
  unit: "MiB/s",
  baseline: { name: "raw fetch piped to a file", value: median(rawRates) },
  ratio,
  goal: "ratio >= 0.9",
  met: ratio >= 0.9,
});
report({
  bench: "downloads",
  figure: "peak memory growth during a 200 MiB download",
  value: peak,
  unit: "MiB",
  goal: "< 64 MiB",
  met: peak < 64,
});

await server.shutdown();
await Deno.remove(dir, { recursive: true });
finish();
