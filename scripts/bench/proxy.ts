/**
 * `deno task bench proxy`: the proxy plugin's costs, each against a baseline in the same run.
 *
 * 1. `ses.resolveProxy` with fixed rules and 50 bypass rules (goal: over 500,000 per second),
 *    against parsing the same URLs with `new URL`; once over a realistic mix of 1,000 URLs on 200
 *    hosts, once with every URL on a new host (no reuse at all), once with every URL a new IPv4
 *    literal (parsed with ipaddr.js and matched against the 10 CIDR rules).
 * 2. A realistic PAC script (about 120 lines: domain lists, shExpMatch, isInNet on IP literals,
 *    dnsDomainIs) evaluated per URL in websession's QuickJS sandbox, against pac-resolver 9 on
 *    the same script in the same QuickJS (quickjs-wasi) with the same memory and time limits
 *    (goal: at least as fast); and the same script in the Worker sessions run it in (`PacThread`),
 *    against the sandbox on the calling thread (goal: ratio >= 0.3; one message each way per call).
 * 3. Requests through tinyproxy with the session against `fetch` with `Deno.createHttpClient`
 *    to the same proxy, 1 and 8 in flight, alternating rounds (goal: ratio >= 0.9).
 *
 * @module
 */
import { QuickJS } from "quickjs-wasi";
import { createPacResolver } from "pac-resolver";
import { session } from "../../mod.ts";
import { proxyPlugin } from "../../entries/proxy.ts";
import { PacResolver } from "../../plugins/proxy/pac_resolver.ts";
import { PacThread } from "../../plugins/proxy/pac_thread.ts";
import { staticHostResolver } from "../../plugins/proxy/host_resolver.ts";
import { finish, report } from "./_report.ts";

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

// ---------------------------------------------------------------- 1. resolveProxy
const bypass = Array.from(
  { length: 50 },
  (_, i) =>
    i % 5 === 0
      ? `*.corp${i}.example`
      : i % 5 === 1
      ? `.intra${i}.test`
      : i % 5 === 2
      ? `10.${i}.0.0/16`
      : i % 5 === 3
      ? `https://secure${i}.example.org:8443`
      : `host${i}.lan`,
).join(", ");
const ses = session.fromPartition("bench-proxy", { preset: false, plugins: [proxyPlugin] });
await ses.ready;
await ses.setProxy({
  proxyRules: "http=proxy1.example:3128,proxy2.example:3128;https=proxy3.example:3128;" +
    "socks=socks5://socks.example:1080",
  proxyBypassRules: bypass,
});
const hosts = Array.from(
  { length: 200 },
  (_, i) => `www.site${i}.example${i % 3 ? ".com" : ".net"}`,
);
const mix = Array.from(
  { length: 1000 },
  (_, i) => `${i % 4 === 0 ? "https" : "http"}://${hosts[i % 200]}/path/${i}?q=${i}`,
);

async function resolveRate(urls: () => string, ms: number): Promise<number> {
  const end = performance.now() + ms;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) await ses.resolveProxy(urls());
    n += 1000;
  }
  return n / ((performance.now() - start) / 1000);
}
function parseRate(urls: () => string, ms: number): number {
  const end = performance.now() + ms;
  const start = performance.now();
  let n = 0;
  let sink = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) sink += new URL(urls()).hostname.length;
    n += 1000;
  }
  if (sink < 0) console.log(sink);
  return n / ((performance.now() - start) / 1000);
}
let k = 0;
const fromMix = () => mix[k++ % 1000];
let fresh = 0;
const freshHost = () => `http://h${fresh++}.fresh.example/x`;
await resolveRate(fromMix, 300);
{
  const rounds: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 5; i++) {
    rounds.push(await resolveRate(fromMix, 300));
    base.push(parseRate(fromMix, 300));
  }
  report({
    bench: "proxy",
    figure: "resolveProxy, fixed rules + 50 bypass rules, 1000 URLs on 200 hosts",
    value: median(rounds),
    unit: "resolutions/s",
    baseline: { name: "new URL() on the same URLs", value: median(base) },
    goal: "value > 500000",
    met: median(rounds) > 500_000,
  });
}
{
  const rounds: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 5; i++) {
    rounds.push(await resolveRate(freshHost, 300));
    base.push(parseRate(freshHost, 300));
  }
  report({
    bench: "proxy",
    figure: "resolveProxy, fixed rules + 50 bypass rules, every URL a new host",
    value: median(rounds),
    unit: "resolutions/s",
    baseline: { name: "new URL() on the same URLs", value: median(base) },
    goal: "value > 500000",
    met: median(rounds) > 500_000,
  });
}
{
  // IP literals are parsed (ipaddr.js) and matched against the 10 CIDR rules on every new host.
  let n = 0;
  const freshIp = () => `http://${11 + ((n >> 16) & 255)}.${(n >> 8) & 255}.${n++ & 255}.4/x`;
  const rounds: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 5; i++) {
    rounds.push(await resolveRate(freshIp, 300));
    base.push(parseRate(freshIp, 300));
  }
  report({
    bench: "proxy",
    figure: "resolveProxy, fixed rules + 50 bypass rules, every URL a new IPv4 literal",
    value: median(rounds),
    unit: "resolutions/s",
    baseline: { name: "new URL() on the same URLs", value: median(base) },
    goal: "value > 500000",
    met: median(rounds) > 500_000,
  });
}

// ---------------------------------------------------------------- 2. PAC per URL
const domains = Array.from({ length: 40 }, (_, i) => `"partner${i}.example.com"`).join(", ");
const pacScript = `
// A corporate PAC script of the usual shape.
var DIRECT_DOMAINS = [${domains}];
var BLOCKED = ["*.ads.example", "*.tracker.example", "*doubleclick*"];
function inList(host, list) {
  for (var i = 0; i < list.length; i++) {
    if (dnsDomainIs(host, "." + list[i]) || host == list[i]) return true;
  }
  return false;
}
function isPrivateIp(host) {
  if (!/^\\d+\\.\\d+\\.\\d+\\.\\d+$/.test(host)) return false;
  return isInNet(host, "10.0.0.0", "255.0.0.0") ||
    isInNet(host, "172.16.0.0", "255.240.0.0") ||
    isInNet(host, "192.168.0.0", "255.255.0.0") ||
    isInNet(host, "127.0.0.0", "255.0.0.0");
}
function FindProxyForURL(url, host) {
  host = host.toLowerCase();
  if (isPlainHostName(host)) return "DIRECT";
  if (isPrivateIp(host)) return "DIRECT";
  for (var i = 0; i < BLOCKED.length; i++) {
    if (shExpMatch(host, BLOCKED[i])) return "PROXY 127.0.0.1:1";
  }
  if (inList(host, DIRECT_DOMAINS)) return "DIRECT";
  if (dnsDomainIs(host, ".intranet.example") || localHostOrDomainIs(host, "wiki")) {
    return "DIRECT";
  }
  if (shExpMatch(url, "https:*")) return "PROXY secure-proxy.example:3128; PROXY backup.example:3128; DIRECT";
  if (shExpMatch(url, "*.example.org/*") || shExpMatch(url, "*/download/*")) {
    return "PROXY download-proxy.example:8080; DIRECT";
  }
  if (dnsDomainLevels(host) > 3) return "PROXY deep-proxy.example:3128";
  return "PROXY proxy.example:3128; SOCKS5 socks.example:1080; DIRECT";
}
`;
const pacUrls = Array.from({ length: 200 }, (_, i) => {
  const kind = i % 6;
  return kind === 0
    ? `http://10.${i}.1.2/app`
    : kind === 1
    ? `https://www.partner${i % 40}.example.com/login`
    : kind === 2
    ? `http://cdn${i}.ads.example/banner.js`
    : kind === 3
    ? `http://files.example.org/download/${i}.zip`
    : kind === 4
    ? `http://a.b.c.d${i}.example.net/`
    : `http://news${i}.example.com/article/${i}`;
});
const limits = { memoryLimit: 32 * 1024 * 1024, timeout: 1000 };
const ours = await PacResolver.create(pacScript, {
  resolver: staticHostResolver({}),
  timeout: limits.timeout,
  memoryLimit: limits.memoryLimit,
});
let deadline = Infinity;
const theirVm = await QuickJS.create({
  memoryLimit: limits.memoryLimit,
  interruptHandler: () => performance.now() > deadline,
});
const theirs = createPacResolver(theirVm, pacScript);
// Same answers first.
for (const u of pacUrls.slice(0, 30)) {
  const a = (await ours.resolve(u)).result;
  deadline = performance.now() + limits.timeout;
  const b = await theirs(u);
  if (a !== b) throw new Error(`PAC answers differ for ${u}: ${a} / ${b}`);
}
async function pacRate(fn: (u: string) => Promise<unknown>, ms: number): Promise<number> {
  const end = performance.now() + ms;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) await fn(pacUrls[(n + i) % pacUrls.length]);
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}
const oursFn = (u: string) => ours.resolve(u);
const theirsFn = (u: string) => {
  deadline = performance.now() + limits.timeout;
  return theirs(u);
};
await pacRate(oursFn, 300);
await pacRate(theirsFn, 300);
{
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 7; i++) {
    a.push(await pacRate(oursFn, 250));
    b.push(await pacRate(theirsFn, 250));
  }
  report({
    bench: "proxy",
    figure: "PAC FindProxyForURL per URL (QuickJS sandbox, realistic script)",
    value: median(a),
    unit: "calls/s",
    baseline: { name: "pac-resolver 9 (quickjs-wasi)", value: median(b) },
    goal: "ratio >= 1",
    met: median(a) >= median(b),
  });
}
// The same script as the session runs it: in a Worker (PacThread), one message each way per call.
{
  const thread = await PacThread.create(pacScript, {
    resolver: staticHostResolver({}),
    timeout: limits.timeout,
    memoryLimit: limits.memoryLimit,
  });
  for (const u of pacUrls.slice(0, 30)) {
    const a = (await ours.resolve(u)).result;
    const b = (await thread.resolve(u)).result;
    if (a !== b) throw new Error(`PAC answers differ for ${u}: ${a} / ${b}`);
  }
  const threadFn = (u: string) => thread.resolve(u);
  await pacRate(threadFn, 300);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 7; i++) {
    a.push(await pacRate(threadFn, 250));
    b.push(await pacRate(oursFn, 250));
  }
  report({
    bench: "proxy",
    figure: "PAC FindProxyForURL per URL in the Worker (PacThread, as sessions run it)",
    value: median(a),
    unit: "calls/s",
    baseline: { name: "the same sandbox on the calling thread", value: median(b) },
    goal: "ratio >= 0.3",
    met: median(a) >= 0.3 * median(b),
  });
  thread.dispose();
}
ours.dispose();
theirVm.dispose();

// ---------------------------------------------------------------- 3. through tinyproxy
const dir = await Deno.makeTempDir({ prefix: "websession-bench-proxy-" });
await Deno.chmod(dir, 0o777);
const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const proxyPort = (probe.addr as Deno.NetAddr).port;
probe.close();
await Deno.writeTextFile(
  `${dir}/tinyproxy.conf`,
  `Port ${proxyPort}\nListen 127.0.0.1\nTimeout 30\nLogFile "${dir}/tinyproxy.log"\n` +
    `LogLevel Warning\nMaxClients 200\nAllow 127.0.0.1\n`,
);
const tinyproxy = new Deno.Command("tinyproxy", {
  args: ["-d", "-c", `${dir}/tinyproxy.conf`],
  stdout: "null",
  stderr: "null",
}).spawn();
for (let i = 0; i < 100; i++) {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port: proxyPort })).close();
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 50));
  }
}
const origin = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("hello through the proxy"),
);
const target = `http://127.0.0.1:${origin.addr.port}/`;
await ses.setProxy({ proxyRules: `127.0.0.1:${proxyPort}`, proxyBypassRules: "<-loopback>" });
if ((await ses.resolveProxy(target)) !== `PROXY 127.0.0.1:${proxyPort}`) {
  throw new Error("The benchmark session does not route through tinyproxy");
}
const client = Deno.createHttpClient({ proxy: { url: `http://127.0.0.1:${proxyPort}` } });
type Fetcher = () => Promise<Response>;
const raw: Fetcher = () => fetch(target, { client });
const viaSession: Fetcher = () => ses.fetch(target);
const errors = { raw: 0, session: 0 };
async function throughput(fetcher: Fetcher, inFlight: number, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      try {
        const response = await fetcher();
        await response.arrayBuffer();
        done++;
      } catch {
        // tinyproxy sometimes closes a kept-alive connection as it is reused; count, go on.
        errors[fetcher === raw ? "raw" : "session"]++;
      }
    }
  }));
  return done / ((performance.now() - start) / 1000);
}
await throughput(raw, 4, 400);
await throughput(viaSession, 4, 400);
for (const inFlight of [1, 8]) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 15; i++) {
    b.push(await throughput(raw, inFlight, 300));
    a.push(await throughput(viaSession, inFlight, 300));
  }
  report({
    bench: "proxy",
    figure: `ses.fetch through tinyproxy, ${inFlight} in flight`,
    value: median(a),
    unit: "req/s",
    baseline: { name: "fetch with Deno.createHttpClient to tinyproxy", value: median(b) },
    goal: "ratio >= 0.9",
    met: median(a) / median(b) >= 0.9,
  });
}
if (errors.raw || errors.session) {
  console.log(`failed requests (not counted): raw ${errors.raw}, session ${errors.session}`);
}
client.close();
await origin.shutdown();
tinyproxy.kill("SIGTERM");
await tinyproxy.status;
await Deno.remove(dir, { recursive: true });
finish();
