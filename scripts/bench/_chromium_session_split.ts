/**
 * `deno run -A scripts/bench/_chromium_session_split.ts`: where a Chromium-backed session's page
 * loads spend their time and CPU, next to minimal CDP clients doing part of what it does (a
 * diagnostic for `chromium_session`, not run by `deno task bench`; Linux only, it reads /proc).
 *
 * The page of `chromium_session` (20 subresources) is loaded five ways in one headless Chromium,
 * interleaved round by round (the order rotated every round):
 * - `no interception`: a page of a plain context, driven over the session's own CDP pipe;
 * - `relay`: the same through a relay of its own (`startProxyRelay`, every request DIRECT);
 * - `Fetch`: the same with the Fetch domain pausing each request and a bare
 *   `Fetch.continueRequest` answering it, no relay;
 * - `relay + Fetch`: both, the least a client doing what the session does can do;
 * - `websession`: a Chromium-backed session with one observe-only `onBeforeRequest` listener.
 *
 * For each way it prints the wall time per load and the CPU time per load of this process and of
 * each kind of Chromium process (browser, renderer, network service, GPU), read from /proc before
 * and after each batch of loads, with the ratios to `no interception` of the same run. The machine's
 * load average is printed too: CPU per load is steadier than loads per second on a shared machine.
 *
 * @module
 */
import { browserSession, launch } from "../../entries/cdp.ts";
import { session } from "../../mod.ts";
import { startPageServer } from "./_page_server.ts";
import { minimalPage } from "./_minimal_cdp_page.ts";
import { startProxyRelay } from "../../adapters/socks/relay.ts";

const SUBRESOURCES = 20;
const LOADS = Number(Deno.env.get("BENCH_LOADS") ?? 15);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 6);

const { origin, server } = await startPageServer(SUBRESOURCES);
const url = `${origin}/`;

const browser = await launch({ pipe: true });
const ses = await browserSession(browser, "bench-chromium-session-split");
ses.webRequest.onBeforeRequest((_details, callback) => callback({}));
const page = await ses.pages.open();
const connection = ses.browserContext.connection;
const relay = await startProxyRelay(() => Promise.resolve([null]));

/** A page of a new context driven over the session's connection, as a minimal client would. */
async function rawPage(proxied: boolean, paused: boolean): Promise<() => Promise<void>> {
  const page = await minimalPage(connection, {
    relayPort: proxied ? relay.port : undefined,
    paused,
  });
  return () => page.load(url);
}

/** CPU milliseconds so far of this process and of each kind of its Chromium processes. */
function cpuByKind(): Map<string, number> {
  const parents = new Map<number, number>();
  const stats = new Map<number, string[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry.name), Number(fields[1]));
      stats.set(Number(entry.name), fields);
    } catch {
      // the process ended while being read
    }
  }
  const ours = (pid: number) => {
    for (let p = parents.get(pid) ?? 0, depth = 0; p > 1 && depth < 10; depth++) {
      if (p === Deno.pid) return true;
      p = parents.get(p) ?? 0;
    }
    return false;
  };
  const out = new Map<string, number>();
  for (const [pid, fields] of stats) {
    let kind: string;
    if (pid === Deno.pid) kind = "this process";
    else if (!ours(pid)) continue;
    else {
      let command = "";
      try {
        command = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
      } catch {
        continue;
      }
      const type = command.match(/--type=([a-z-]+)/)?.[1];
      kind = type === undefined ? "browser" : type === "utility" ? "network service" : type;
    }
    // utime + stime, in clock ticks of 10 ms
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    out.set(kind, (out.get(kind) ?? 0) + ms);
  }
  return out;
}

interface Way {
  name: string;
  load: () => Promise<unknown>;
  wall: number;
  cpu: Map<string, number>;
}
const way = (name: string, load: () => Promise<unknown>): Way => ({
  name,
  load,
  wall: 0,
  cpu: new Map(),
});
const ways: Way[] = [
  way("no interception", await rawPage(false, false)),
  way("relay", await rawPage(true, false)),
  way("Fetch", await rawPage(false, true)),
  way("relay + Fetch", await rawPage(true, true)),
  way("websession", () => page.goto(url)),
];
for (const w of ways) for (let i = 0; i < 3; i++) await w.load();
const loadBefore = Deno.loadavg();
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < ways.length; k++) {
    const w = ways[(r + k) % ways.length];
    const before = cpuByKind();
    const start = performance.now();
    for (let i = 0; i < LOADS; i++) await w.load();
    w.wall += performance.now() - start;
    for (const [kind, ms] of cpuByKind()) {
      w.cpu.set(kind, (w.cpu.get(kind) ?? 0) + ms - (before.get(kind) ?? 0));
    }
  }
}
const loads = LOADS * ROUNDS;
const total = (w: Way) => [...w.cpu.values()].reduce((a, b) => a + b, 0);
const [base] = ways;
console.log(
  `load average ${loadBefore.map((v) => v.toFixed(2)).join(" ")} before, ` +
    `${
      Deno.loadavg().map((v) => v.toFixed(2)).join(" ")
    } after; ${ROUNDS} rounds of ${LOADS} loads`,
);
for (const w of ways) {
  const kinds = [...w.cpu].sort((a, b) => b[1] - a[1])
    .map(([kind, ms]) => `${kind} ${(ms / loads).toFixed(1)}`).join(", ");
  console.log(
    `${w.name.padEnd(16)} ${(w.wall / loads).toFixed(1)} ms/load (rate ${
      (base.wall / w.wall).toFixed(3)
    } × no interception); CPU ${(total(w) / loads).toFixed(1)} ms/load (${
      (total(w) / total(base)).toFixed(3)
    } ×): ${kinds}`,
  );
}

await session.closePartition("bench-chromium-session-split");
await relay.close();
await browser.close();
server.close();
