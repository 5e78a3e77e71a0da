/**
 * `deno run -A scripts/bench/_relay_cpu.ts`: the CPU per request of the proxy relay a
 * Chromium-backed session's contexts point at (`adapters/socks/relay.ts`; a diagnostic for
 * `chromium_session`, not run by `deno task bench`). wrk (1 thread, 6 keep-alive connections)
 * sends absolute-form GETs of a 512-byte image through the relay, every route DIRECT, to the
 * benchmarks' page server in another process; ROUNDS rounds of SECONDS_RUN seconds. Prints this
 * process's CPU µs per request (`process.cpuUsage`) and the rate of each round. Needs `wrk`.
 *
 * @module
 */
import process from "node:process";
import { spawn } from "node:child_process";
import { startProxyRelay } from "../../adapters/socks/relay.ts";

const server = spawn(Deno.execPath(), [
  "run",
  "-A",
  new URL("./_page_server_process.ts", import.meta.url).pathname,
], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port: number = await new Promise((resolve) => {
  server.stdout!.once("data", (chunk) => resolve(Number(String(chunk).trim())));
});
const relay = await startProxyRelay(() => Promise.resolve([null]));
const lua = await Deno.makeTempFile({ suffix: ".lua" });
await Deno.writeTextFile(lua, `wrk.path = "http://127.0.0.1:${port}/r/1.png"\n`);
const SECONDS = Number(Deno.env.get("SECONDS_RUN") ?? 8);
const results: string[] = [];
for (let r = 0; r < Number(Deno.env.get("ROUNDS") ?? 3); r++) {
  const c0 = process.cpuUsage();
  const out = await new Deno.Command("wrk", {
    args: ["-t1", "-c6", `-d${SECONDS}s`, "-s", lua, `http://127.0.0.1:${relay.port}`],
  }).output();
  const c = process.cpuUsage(c0);
  const text = new TextDecoder().decode(out.stdout);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  const errors = /Non-2xx|Socket errors/.exec(text);
  if (errors || requests === 0) throw new Error(text);
  results.push(
    `${((c.user + c.system) / requests).toFixed(1)} us/req (${
      (requests / SECONDS).toFixed(0)
    } req/s)`,
  );
}
console.log(
  JSON.stringify({
    tag: Deno.env.get("TAG") ?? "",
    results,
    load: Deno.loadavg().map((x) => x.toFixed(2)).join(" "),
  }),
);
server.kill();
await relay.close();
await Deno.remove(lua);
Deno.exit(0);
