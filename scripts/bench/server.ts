/**
 * `deno task bench server`: requests per second through the session server (default plugins,
 * plain HTTP) against the same requests straight to the origin, through tinyproxy and through
 * squid (cache off), with wrk and 64 keep-alive connections, all in the same run.
 * Goals: ahead of tinyproxy, and at least 0.8 of squid.
 *
 * Then, same run: HTTPS through the server with interception against mitmdump (Debian's
 * mitmproxy, regular proxy mode, its own CA trusted the same way) and against the server passing
 * the tunnels through (`--no-intercept`), 64 keep-alive connections from a Deno load generator
 * (wrk cannot CONNECT). Goal: intercepted HTTPS at least 3x mitmdump. And a 1 MiB body through the
 * server with an add-on whose response-body tap changes one byte per chunk, against the same
 * without it. Goal: at most 20% slower.
 *
 * The plain HTTP proxies and the two 1 MiB servers are measured in interleaved rounds (3 x 3 s
 * each). With the rates, the CPU each proxy process spent per request in the same runs (from /proc):
 * on a loaded machine the rates swing with what else runs, the work per request does not.
 *
 * @module
 */
import { finish, report } from "./_report.ts";
import { CertificateAuthority } from "../../web/server/ca.ts";

const DURATION = "6s";
const CONNECTIONS = 64;
/** Plain HTTP and the 1 MiB bodies: rounds of this many seconds per proxy, interleaved. */
const ROUNDS = 3;
const ROUND_SECONDS = 3;
const tmp = await Deno.makeTempDir({ prefix: "websession-bench-server-" });

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Nothing listens on ${port}`);
}

async function wrk(
  target: string,
  viaProxy: number | null,
  duration = DURATION,
): Promise<number> {
  const args = ["-t2", `-c${CONNECTIONS}`, `-d${duration}`, "--latency"];
  let url = target;
  if (viaProxy !== null) {
    const script = `${tmp}/proxy-${viaProxy}.lua`;
    await Deno.writeTextFile(
      script,
      `wrk.path = "${target}"\nwrk.headers["Host"] = "${new URL(target).host}"\n`,
    );
    args.push("-s", script);
    url = `http://127.0.0.1:${viaProxy}/`;
  }
  const out = await new Deno.Command("wrk", {
    args: [...args, url],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(text);
  if (!rate) throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
  if (errors) console.log(`  (${target} via ${viaProxy ?? "direct"}: ${errors[0]})`);
  return Number(rate[1]);
}

/**
 * CPU seconds (user + system, every thread) a process has used so far, from `/proc` (Linux; the
 * kernel's clock tick is 100 Hz there). Under a loaded machine the requests per second of every
 * proxy swing with what else runs; the CPU each proxy spends per request, measured around the same
 * runs, says how much work it does for one, whatever the load.
 */
function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Runs `measure` (which resolves to requests per second over `seconds`, and may call `mark` once
 * its warm-up is over) and returns the rate and the CPU `pid` spent per request, in µs.
 */
async function withCpu(
  pid: number,
  seconds: number,
  measure: (mark: () => void) => Promise<number>,
): Promise<{ rate: number; cpuPerRequest: number }> {
  let before = cpuSeconds(pid);
  const rate = await measure(() => (before = cpuSeconds(pid)));
  const used = cpuSeconds(pid) - before;
  return { rate, cpuPerRequest: (used / (rate * seconds)) * 1e6 };
}

// The origin, in its own process so that it does not share a thread with anything measured.
const originPort = freePort();
const origin = new Deno.Command(Deno.execPath(), {
  args: [
    "eval",
    `const big = new Uint8Array(1024 * 1024).fill(97); Deno.serve({ hostname: "127.0.0.1", port: ${originPort}, onListen() {} }, (r) => r.url.endsWith("/big") ? new Response(big) : new Response("hello from the origin"));`,
  ],
  stdout: "null",
  stderr: "inherit",
}).spawn();
await waitForPort(originPort);
const target = `http://127.0.0.1:${originPort}/hello`;

const proxies: Array<{ name: string; port: number; child: Deno.ChildProcess }> = [];

const tinyPort = freePort();
await Deno.writeTextFile(
  `${tmp}/tinyproxy.conf`,
  `Port ${tinyPort}\nListen 127.0.0.1\nAllow 127.0.0.1\nMaxClients 1000\nLogLevel Critical\nTimeout 60\n`,
);
proxies.push({
  name: "tinyproxy",
  port: tinyPort,
  child: new Deno.Command("tinyproxy", {
    args: ["-d", "-c", `${tmp}/tinyproxy.conf`],
    stdout: "null",
    stderr: "null",
  }).spawn(),
});

const squidPort = freePort();
await Deno.writeTextFile(
  `${tmp}/squid.conf`,
  [
    `http_port 127.0.0.1:${squidPort}`,
    "acl localnet src 127.0.0.0/8",
    "http_access allow localnet",
    "http_access deny all",
    "cache deny all",
    "access_log none",
    `cache_log ${tmp}/squid-cache.log`,
    `pid_filename ${tmp}/squid.pid`,
    `coredump_dir ${tmp}`,
    "shutdown_lifetime 0 seconds",
  ].join("\n"),
);
proxies.push({
  name: "squid",
  port: squidPort,
  child: new Deno.Command("squid", {
    args: ["-N", "-f", `${tmp}/squid.conf`],
    stdout: "null",
    stderr: "null",
  }).spawn(),
});

function sessionServer(name: string, args: string[], env: Record<string, string> = {}): number {
  const port = freePort();
  proxies.push({
    name,
    port,
    child: new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../web/server/main.ts", import.meta.url).pathname,
        "--port",
        String(port),
        ...args,
      ],
      env: { WEBSESSION_HOME: `${tmp}/home-${name}`, ...env },
      stdout: "null",
      stderr: "inherit",
    }).spawn(),
  });
  return port;
}

const wsPort = sessionServer("websession", []);
const flipPort = sessionServer("websession-byte-flip", [
  "--plugin",
  new URL("./_byte_flip_addon", import.meta.url).pathname,
  "--allow-unsigned",
]);

// HTTPS: an origin with a certificate of a CA of its own, which every proxy is told to trust.
const originCa = await CertificateAuthority.open(`${tmp}/origin-ca`, "CN=bench origin CA");
const originLeaf = await originCa.leafFor("127.0.0.1");
await Deno.writeTextFile(`${tmp}/origin-cert.pem`, originLeaf.cert);
await Deno.writeTextFile(`${tmp}/origin-key.pem`, originLeaf.key);
const tlsPort = freePort();
const tlsOrigin = new Deno.Command(Deno.execPath(), {
  args: [
    "eval",
    `Deno.serve({ hostname: "127.0.0.1", port: ${tlsPort}, cert: Deno.readTextFileSync("${tmp}/origin-cert.pem"), key: Deno.readTextFileSync("${tmp}/origin-key.pem"), onListen() {} }, () => new Response("hello over tls"));`,
  ],
  stdout: "null",
  stderr: "inherit",
}).spawn();
const tlsTarget = `https://127.0.0.1:${tlsPort}/hello`;
const trustOrigin = { DENO_CERT: originCa.certPath };
const interceptPort = sessionServer("websession-intercept", [], trustOrigin);
const passPort = sessionServer("websession-pass-through", ["--no-intercept"], trustOrigin);
const mitmPort = freePort();
proxies.push({
  name: "mitmdump",
  port: mitmPort,
  child: new Deno.Command("mitmdump", {
    args: [
      "-q",
      "--listen-host",
      "127.0.0.1",
      "--listen-port",
      String(mitmPort),
      "--set",
      `confdir=${tmp}/mitmproxy`,
      "--set",
      `ssl_verify_upstream_trusted_ca=${originCa.certPath}`,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn(),
});

/** Requests per second over HTTPS through a proxy, from 64 concurrent keep-alive clients. */
async function httpsRate(
  proxyPort: number,
  caFile: string,
  warmedUp: () => void = () => {},
): Promise<number> {
  const client = Deno.createHttpClient({
    proxy: { url: `http://127.0.0.1:${proxyPort}` },
    caCerts: [await Deno.readTextFile(caFile)],
  });
  const seconds = Number.parseFloat(DURATION);
  let done = 0;
  let failed = 0;
  const run = async (until: number, count: boolean) => {
    while (performance.now() < until) {
      const response = await fetch(tlsTarget, { client }).catch(() => null);
      if (response?.ok) {
        await response.arrayBuffer();
        if (count) done++;
      } else {
        await response?.body?.cancel();
        failed++;
      }
    }
  };
  await Promise.all(
    Array.from({ length: CONNECTIONS }, () => run(performance.now() + 1000, false)),
  );
  warmedUp();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, () => run(start + seconds * 1000, true)),
  );
  const elapsed = (performance.now() - start) / 1000;
  client.close();
  if (failed) console.log(`  (HTTPS via ${proxyPort}: ${failed} failed)`);
  return done / elapsed;
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await Deno.stat(path);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${path} did not appear`);
}

try {
  for (const proxy of proxies) await waitForPort(proxy.port);
  await wrk(target, wsPort); // warm-up
  const direct = await wrk(target, null);
  // Interleaved: ROUNDS rounds of ROUND_SECONDS per proxy, so that a change of the machine's load
  // during the run falls on every proxy alike; rates are the means, CPU the total over requests.
  const rates: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const proxy of round % 2 ? [...proxies].reverse() : proxies) {
      const measured = await withCpu(
        proxy.child.pid,
        ROUND_SECONDS,
        () => wrk(target, proxy.port, `${ROUND_SECONDS}s`),
      );
      rates[proxy.name] = (rates[proxy.name] ?? 0) + measured.rate / ROUNDS;
      cpu[proxy.name] = (cpu[proxy.name] ?? 0) + measured.cpuPerRequest * measured.rate;
    }
  }
  for (const name of Object.keys(cpu)) cpu[name] /= rates[name] * ROUNDS;
  report({
    bench: "server",
    figure: "origin, straight (wrk, 64 connections)",
    value: direct,
    unit: "req/s",
  });
  report({
    bench: "server",
    figure: "through the session server vs tinyproxy",
    value: rates.websession,
    unit: "req/s",
    baseline: { name: "tinyproxy", value: rates.tinyproxy },
    goal: "ratio > 1",
    met: rates.websession > rates.tinyproxy,
  });
  report({
    bench: "server",
    figure: "through the session server vs squid",
    value: rates.websession,
    unit: "req/s",
    baseline: { name: "squid (cache off)", value: rates.squid },
    goal: "ratio >= 0.8",
    met: rates.websession / rates.squid >= 0.8,
  });

  report({
    bench: "server",
    figure: "CPU per plain HTTP request, session server vs squid (lower is better)",
    value: cpu.websession,
    unit: "µs",
    baseline: { name: "squid (cache off)", value: cpu.squid },
  });

  const big = `http://127.0.0.1:${originPort}/big`;
  let plainBig = 0, flippedBig = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const plainFirst = round % 2 === 0;
    if (plainFirst) plainBig += await wrk(big, wsPort, `${ROUND_SECONDS}s`) / ROUNDS;
    flippedBig += await wrk(big, flipPort, `${ROUND_SECONDS}s`) / ROUNDS;
    if (!plainFirst) plainBig += await wrk(big, wsPort, `${ROUND_SECONDS}s`) / ROUNDS;
  }
  report({
    bench: "server",
    figure: "1 MiB bodies with a response-body tap changing a byte per chunk",
    value: flippedBig,
    unit: "req/s",
    baseline: { name: "the same without the tap", value: plainBig },
    goal: "ratio >= 0.8",
    met: flippedBig / plainBig >= 0.8,
  });

  await waitForPort(tlsPort);
  await waitForFile(`${tmp}/mitmproxy/mitmproxy-ca-cert.pem`);
  const pidOf = (port: number) => proxies.find((p) => p.port === port)!.child.pid;
  const httpsSeconds = Number.parseFloat(DURATION);
  const { rate: intercepted, cpuPerRequest: interceptedCpu } = await withCpu(
    pidOf(interceptPort),
    httpsSeconds,
    (mark) => httpsRate(interceptPort, `${tmp}/home-websession-intercept/ca-cert.pem`, mark),
  );
  const { rate: mitm, cpuPerRequest: mitmCpu } = await withCpu(
    pidOf(mitmPort),
    httpsSeconds,
    (mark) => httpsRate(mitmPort, `${tmp}/mitmproxy/mitmproxy-ca-cert.pem`, mark),
  );
  const passed = await httpsRate(passPort, originCa.certPath);
  report({
    bench: "server",
    figure: "HTTPS intercepted by the session server vs mitmdump",
    value: intercepted,
    unit: "req/s",
    baseline: { name: "mitmdump (regular mode)", value: mitm },
    goal: "ratio >= 3",
    met: intercepted / mitm >= 3,
  });
  report({
    bench: "server",
    figure: "CPU per intercepted HTTPS request, session server vs mitmdump (lower is better)",
    value: interceptedCpu,
    unit: "µs",
    baseline: { name: "mitmdump (regular mode)", value: mitmCpu },
  });
  report({
    bench: "server",
    figure: "HTTPS intercepted vs passed through (--no-intercept)",
    value: intercepted,
    unit: "req/s",
    baseline: { name: "CONNECT pass-through", value: passed },
  });
} finally {
  for (const proxy of proxies) {
    try {
      proxy.child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  origin.kill("SIGKILL");
  tlsOrigin.kill("SIGKILL");
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}
finish();
