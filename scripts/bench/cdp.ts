/**
 * `deno task bench cdp`: CDP round trips of `Runtime.evaluate("1")` per second on one page of one
 * Chromium, sequential and 32 in flight, for websession over WebSocket and over pipe,
 * puppeteer-core's CDPSession, chrome-remote-interface, and a minimal hand-written client over
 * each transport (the protocol's own cost); then the time from `setAutoAttach` to every target of
 * the seed's scenario attached. Each rate is the median of `BENCH_ROUNDS` (10) rounds of `BENCH_MS`
 * (600) ms, the clients' order rotating between rounds; ratios are medians of per-round ratios.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { Buffer } from "node:buffer";
import puppeteer from "puppeteer-core";
import CDP from "chrome-remote-interface";
import { finish, report } from "./_report.ts";
import { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { CdpTransport } from "../../kernel/cdp/transport.ts";
import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";
import { PipeTransport } from "../../adapters/cdp/pipe.ts";
import { CHROMIUM_FLAGS, findChromium } from "../../adapters/cdp/chromium.ts";
import { TargetTree } from "../../plugins/cdp/target_tree.ts";
import { startCdpSite } from "../../test/_cdp_site.ts";

const BENCH = "cdp";
const MS = Number(Deno.env.get("BENCH_MS") ?? 600);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 10);
const IN_FLIGHT = 32;

type Call = () => Promise<unknown>;

/** Completed calls per second, `depth` calls kept in flight. */
async function measure(call: Call, depth: number, ms: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: depth }, worker));
  return done / ((performance.now() - start) / 1000);
}

// --- The minimal hand-written baseline: send JSON with an id, resolve on the matching reply. ---
function minimal(send: (text: string) => void) {
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  return {
    receive(text: string) {
      const message = JSON.parse(text);
      const resolve = waiting.get(message.id);
      if (resolve) waiting.delete(message.id), resolve(message.result);
    },
    call(method: string, params: unknown, sessionId?: string): Promise<unknown> {
      return new Promise((resolve) => {
        waiting.set(++id, resolve);
        send(JSON.stringify({ id, method, params, sessionId }));
      });
    },
  };
}

function minimalPipe(out: Writable, input: Readable) {
  const client = minimal((text) => out.write(text + "\0"));
  let rest: Buffer[] = [];
  const onData = (chunk: Buffer) => {
    let start = 0;
    let end;
    while ((end = chunk.indexOf(0, start)) !== -1) {
      const part = chunk.subarray(start, end);
      client.receive(rest.length ? Buffer.concat([...rest, part]).toString() : part.toString());
      rest = [];
      start = end + 1;
    }
    if (start < chunk.length) rest.push(chunk.subarray(start));
  };
  input.on("data", onData);
  return { call: client.call, stop: () => input.off("data", onData) };
}

async function minimalWebSocket(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => (ws.onopen = resolve, ws.onerror = reject));
  const client = minimal((text) => ws.send(text));
  ws.onmessage = (event) => client.receive(event.data);
  return { call: client.call, close: () => ws.close() };
}
// ---------------------------------------------------------------------------------------------

const executable = findChromium();
if (!executable) throw new Error("No Chromium found: apt-get install -y chromium");
const profile = mkdtempSync(join(tmpdir(), "websession-bench-"));
const child = spawn(executable, [
  ...CHROMIUM_FLAGS,
  `--user-data-dir=${profile}`,
  "--headless",
  "--remote-debugging-pipe",
  "--remote-debugging-port=0",
  "about:blank",
], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
const out = child.stdio[3] as Writable;
const input = child.stdio[4] as Readable;
let stderr = "";
child.stderr!.setEncoding("utf8");
const wsEndpoint = await new Promise<string>((resolve, reject) => {
  child.stderr!.on("data", (text: string) => {
    stderr += text;
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
    if (match) resolve(match[1]);
  });
  child.once("exit", () => reject(new Error(`Chromium exited: ${stderr.slice(-500)}`)));
});
const cleanups: (() => unknown)[] = [];
try {
  const ws = new CdpConnection(await WebSocketTransport.connect(wsEndpoint));
  cleanups.push(() => ws.close());
  const { targetId } = await ws.send("Target.createTarget", { url: "about:blank" });
  const port = new URL(wsEndpoint).port;
  const pageUrl = `ws://127.0.0.1:${port}/devtools/page/${targetId}`;
  const expression = { expression: "1" };

  // websession over WebSocket (flat session on the browser endpoint).
  const { sessionId: wsSession } = await ws.send("Target.attachToTarget", {
    targetId,
    flatten: true,
  });
  const websessionWs: Call = () =>
    ws.send("Runtime.evaluate", expression, { sessionId: wsSession });

  // Minimal client over WebSocket, same endpoint, own flat session.
  const rawWs = await minimalWebSocket(wsEndpoint);
  cleanups.push(() => rawWs.close());
  const { sessionId: rawWsSession } = await rawWs.call("Target.attachToTarget", {
    targetId,
    flatten: true,
  }) as { sessionId: string };
  const minimalWs: Call = () => rawWs.call("Runtime.evaluate", expression, rawWsSession);

  // The pipe has one reader: the minimal client and websession take turns on the same streams.
  let pipeSession = "";
  const withMinimalPipe = async <T>(fn: (call: Call) => Promise<T>): Promise<T> => {
    const client = minimalPipe(out, input);
    try {
      if (!pipeSession) {
        pipeSession = (await client.call("Target.attachToTarget", { targetId, flatten: true }) as {
          sessionId: string;
        }).sessionId;
      }
      return await fn(() => client.call("Runtime.evaluate", expression, pipeSession));
    } finally {
      client.stop();
    }
  };
  const withWebsessionPipe = async <T>(fn: (call: Call) => Promise<T>): Promise<T> => {
    const streams = [input, out] as const;
    const events = ["data", "end", "close", "error"];
    const before = new Set(streams.flatMap((s) => events.flatMap((e) => s.listeners(e))));
    const connection = new CdpConnection(new PipeTransport(out, input));
    try {
      return await fn(() =>
        connection.send("Runtime.evaluate", expression, { sessionId: pipeSession })
      );
    } finally {
      // Hand the streams back: drop the listeners this transport added.
      for (const stream of streams) {
        for (const event of events) {
          for (const listener of stream.listeners(event)) {
            if (!before.has(listener)) stream.off(event, listener as (...args: unknown[]) => void);
          }
        }
      }
    }
  };

  await withMinimalPipe(() => Promise.resolve()); // Attaches the pipe's flat session.

  // puppeteer-core: its CDPSession on the page.
  const pBrowser = await puppeteer.connect({
    browserWSEndpoint: wsEndpoint,
    defaultViewport: null,
  });
  cleanups.push(() => pBrowser.disconnect());
  const pTarget = await pBrowser.waitForTarget((t) =>
    (t as unknown as { _targetId: string })._targetId === targetId
  );
  const pSession = await pTarget.createCDPSession();
  const puppeteerCall: Call = () => pSession.send("Runtime.evaluate", expression);

  // chrome-remote-interface: its client on the page's own endpoint.
  const cri = await CDP({ target: pageUrl });
  cleanups.push(() => cri.close());
  const criCall: Call = () => cri.send("Runtime.evaluate", expression);

  const direct = (call: Call) => <T>(fn: (call: Call) => Promise<T>) => fn(call);
  const clients: [string, <T>(fn: (call: Call) => Promise<T>) => Promise<T>][] = [
    ["websession (WebSocket)", direct(websessionWs)],
    ["minimal (WebSocket)", direct(minimalWs)],
    ["websession (pipe)", withWebsessionPipe],
    ["minimal (pipe)", withMinimalPipe],
    ["puppeteer-core CDPSession", direct(puppeteerCall)],
    ["chrome-remote-interface", direct(criCall)],
  ];
  // Every client is measured once per round, the order rotating; a ratio is the median of the
  // per-round ratios, so that the machine's load, which drifts, weighs on both sides alike.
  const rounds = new Map<string, number[]>();
  for (const depth of [1, IN_FLIGHT]) {
    for (const [, use] of clients) await use((call) => measure(call, depth, 500)); // Warm-up.
    for (let round = 0; round < ROUNDS; round++) {
      const order = clients.map((_, i) => clients[(i + round) % clients.length]);
      for (const [name, use] of order) {
        const key = `${name}/${depth}`;
        rounds.set(key, [
          ...(rounds.get(key) ?? []),
          await use((call) => measure(call, depth, MS)),
        ]);
      }
    }
  }
  const median = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const series = (name: string, depth: number) => rounds.get(`${name}/${depth}`)!;
  const get = (name: string, depth: number) => median(series(name, depth));
  const pairedRatio = (a: string, b: string, depth: number) => {
    const x = series(a, depth);
    const y = series(b, depth);
    return median(x.map((value, i) => value / y[i]));
  };
  for (const depth of [1, IN_FLIGHT]) {
    const mode = depth === 1 ? "sequential" : `${IN_FLIGHT} in flight`;
    for (const [name] of clients) {
      report({
        bench: BENCH,
        figure: `${name}, ${mode} (median of ${ROUNDS})`,
        value: get(name, depth),
        unit: "calls/s",
      });
    }
    const libraries = ["puppeteer-core CDPSession", "chrome-remote-interface"];
    for (const transport of ["WebSocket", "pipe"]) {
      const ours = `websession (${transport})`;
      // Against the fastest library: the smaller of the two paired ratios.
      const [fastest, ratio] = libraries
        .map((lib) => [lib, pairedRatio(ours, lib, depth)] as const)
        .sort((a, b) => a[1] - b[1])[0];
      report({
        bench: BENCH,
        figure: `${ours} vs fastest library, ${mode}`,
        value: get(ours, depth),
        unit: "calls/s",
        baseline: { name: fastest, value: get(fastest, depth) },
        ratio,
        goal: "ratio >= 1",
        met: ratio >= 1,
      });
      const minimalName = `minimal (${transport})`;
      const own = pairedRatio(ours, minimalName, depth);
      report({
        bench: BENCH,
        figure: `${ours} vs minimal client, ${mode}`,
        value: get(ours, depth),
        unit: "calls/s",
        baseline: { name: minimalName, value: get(minimalName, depth) },
        ratio: own,
        goal: "ratio >= 0.9",
        met: own >= 0.9,
      });
    }
  }

  // The client's own cost, without a browser: an in-memory transport that answers every call.
  const echo = (text: string) => {
    const { id, sessionId } = JSON.parse(text);
    return JSON.stringify({ id, result: { result: { type: "number", value: 1 } }, sessionId });
  };
  const loop = (): CdpTransport & { onmessage: ((text: string) => void) | null } => ({
    onmessage: null,
    closed: new Promise<string>(() => {}),
    send(text) {
      const reply = echo(text);
      queueMicrotask(() => this.onmessage!(reply));
    },
    close() {},
  });
  const inMemory = new CdpConnection(loop());
  const rawLoop = loop();
  const rawClient = minimal((text) => rawLoop.send(text));
  rawLoop.onmessage = rawClient.receive;
  const session = "0123456789ABCDEF0123456789ABCDEF";
  const cpu = { ours: [] as number[], raw: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    cpu.ours.push(
      await measure(
        () => inMemory.send("Runtime.evaluate", expression, { sessionId: session }),
        1,
        200,
      ),
    );
    cpu.raw.push(
      await measure(() => rawClient.call("Runtime.evaluate", expression, session), 1, 200),
    );
  }
  const cpuRatio = median(cpu.ours.map((value, i) => value / cpu.raw[i]));
  report({
    bench: BENCH,
    figure: "client cost only (in-memory transport, no browser), sequential",
    value: median(cpu.ours),
    unit: "calls/s",
    baseline: { name: "minimal client", value: median(cpu.raw) },
    ratio: cpuRatio,
    goal: "ratio >= 0.9",
    met: cpuRatio >= 0.9,
  });

  // Time from setAutoAttach to every target of the scenario attached (and resumed).
  const site = await startCdpSite();
  cleanups.push(() => site.close());
  const scenario = async (existing: boolean): Promise<number> => {
    const connection = new CdpConnection(await WebSocketTransport.connect(wsEndpoint));
    let page = "";
    if (existing) {
      page = (await connection.send("Target.createTarget", { url: site.page })).targetId;
      await new Promise((resolve) => setTimeout(resolve, 1000)); // Every target exists.
    }
    const start = performance.now();
    const tree = await TargetTree.start(connection, {
      hooks: [(session) => session.send("Runtime.enable")],
    });
    if (!existing) {
      page = (await connection.send("Target.createTarget", { url: site.page })).targetId;
    }
    const wanted = [site.page, site.frame, site.nested, site.worker, site.shared];
    await new Promise<void>((resolve) => {
      const check = () => {
        if (wanted.every((url) => tree.query({ url }).some((node) => node.ready))) resolve();
      };
      tree.on("ready", check);
      tree.on("changed", check);
      check();
    });
    const elapsed = performance.now() - start;
    tree.stop();
    await connection.send("Target.closeTarget", { targetId: page });
    connection.close();
    return elapsed;
  };
  const times = { existing: [] as number[], fresh: [] as number[] };
  for (let i = 0; i < 5; i++) {
    times.existing.push(await scenario(true));
    times.fresh.push(await scenario(false));
  }
  report({
    bench: BENCH,
    figure: "setAutoAttach to all 5 scenario targets attached, page already loaded (median of 5)",
    value: median(times.existing),
    unit: "ms",
  });
  report({
    bench: BENCH,
    figure: "setAutoAttach + createTarget to all 5 scenario targets attached (median of 5)",
    value: median(times.fresh),
    unit: "ms",
  });
} finally {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch {
      // Best effort.
    }
  }
  child.kill("SIGKILL");
  await new Promise((resolve) =>
    child.exitCode !== null ? resolve(null) : child.once("exit", resolve)
  );
  rmSync(profile, { recursive: true, force: true });
}
finish();
