/**
 * `deno task bench emulation`: network emulation measured against a local `Deno.serve`: the
 * download rate `ses.fetch` reaches under `downloadThroughput` of 64 KiB/s, 1 MiB/s and 10 MiB/s
 * (about 2 s of body each; goal: within 10% of the set value), the upload rate under
 * `uploadThroughput` of 1 MiB/s, and the latency added by `latency: 100` (median of 9 requests
 * against the median without emulation in the same run; goal: within 5 ms of 100).
 *
 * @module
 */
import { session } from "../../mod.ts";
import { finish, report } from "./_report.ts";

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
  const url = new URL(request.url);
  if (url.pathname === "/upload") {
    return new Response(String((await request.arrayBuffer()).byteLength));
  }
  return new Response(new Uint8Array(Number(url.searchParams.get("n") ?? "2")));
});
const base = `http://127.0.0.1:${server.addr.port}`;
const ses = session.fromPartition("bench-emulation");
const KIB = 1024;
const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

for (const rate of [64 * KIB, 1024 * KIB, 10 * 1024 * KIB]) {
  ses.enableNetworkEmulation({ downloadThroughput: rate });
  const size = rate * 2;
  const start = performance.now();
  const got = (await (await ses.fetch(`${base}/?n=${size}`)).arrayBuffer()).byteLength;
  const measured = got / ((performance.now() - start) / 1000);
  ses.disableNetworkEmulation();
  const ratio = measured / rate;
  report({
    bench: "emulation",
    figure: `download at ${rate / KIB} KiB/s`,
    value: measured / KIB,
    unit: "KiB/s",
    baseline: { name: "set downloadThroughput", value: rate / KIB },
    ratio,
    goal: "ratio within 0.9..1.1",
    met: ratio >= 0.9 && ratio <= 1.1,
  });
}

{
  const rate = 1024 * KIB;
  ses.enableNetworkEmulation({ uploadThroughput: rate });
  const body = new Uint8Array(rate * 2);
  const start = performance.now();
  await (await ses.fetch(`${base}/upload`, { method: "POST", body })).text();
  const measured = body.byteLength / ((performance.now() - start) / 1000);
  ses.disableNetworkEmulation();
  const ratio = measured / rate;
  report({
    bench: "emulation",
    figure: "upload at 1024 KiB/s",
    value: measured / KIB,
    unit: "KiB/s",
    baseline: { name: "set uploadThroughput", value: rate / KIB },
    ratio,
    goal: "ratio within 0.9..1.1",
    met: ratio >= 0.9 && ratio <= 1.1,
  });
}

async function timed(): Promise<number> {
  const start = performance.now();
  await (await ses.fetch(`${base}/`)).arrayBuffer();
  return performance.now() - start;
}
for (let i = 0; i < 5; i++) await timed();
const plain: number[] = [];
const delayed: number[] = [];
for (let i = 0; i < 9; i++) {
  plain.push(await timed());
  ses.enableNetworkEmulation({ latency: 100 });
  delayed.push(await timed());
  ses.disableNetworkEmulation();
}
const added = median(delayed) - median(plain);
report({
  bench: "emulation",
  figure: "latency added by latency: 100",
  value: added,
  unit: "ms",
  goal: "within 5 ms of 100",
  met: Math.abs(added - 100) <= 5,
});

await server.shutdown();
finish();
