/**
 * `deno task bench server`: requests per second through the session server (default plugins,
 * plain HTTP) against the same requests straight to the origin, through tinyproxy and through
 * squid (cache off), with wrk and 64 keep-alive connections, all in the same run.
 * Goals: ahead of tinyproxy, and at least 0.8 of squid.
 *
 * @module
 */
import { finish, report } from "./_report.ts";

const DURATION = "6s";
const CONNECTIONS = 64;
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

async function wrk(target: string, viaProxy: number | null): Promise<number> {
  const args = ["-t2", `-c${CONNECTIONS}`, `-d${DURATION}`, "--latency"];
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

// The origin, in its own process so that it does not share a thread with anything measured.
const originPort = freePort();
const origin = new Deno.Command(Deno.execPath(), {
  args: [
    "eval",
    `Deno.serve({ hostname: "127.0.0.1", port: ${originPort}, onListen() {} }, () => new Response("hello from the origin"));`,
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

const wsPort = freePort();
proxies.push({
  name: "websession",
  port: wsPort,
  child: new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../web/server/main.ts", import.meta.url).pathname,
      "--port",
      String(wsPort),
    ],
    env: { WEBSESSION_HOME: `${tmp}/home` },
    stdout: "null",
    stderr: "inherit",
  }).spawn(),
});

try {
  for (const proxy of proxies) await waitForPort(proxy.port);
  await wrk(target, wsPort); // warm-up
  const direct = await wrk(target, null);
  const rates: Record<string, number> = {};
  for (const proxy of proxies) rates[proxy.name] = await wrk(target, proxy.port);
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
} finally {
  for (const proxy of proxies) {
    try {
      proxy.child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  origin.kill("SIGKILL");
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}
finish();
