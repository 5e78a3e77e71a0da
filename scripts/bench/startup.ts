/**
 * `deno task bench startup`: cold start, whole process. Spawns `deno run` and `bun` on
 * `_startup_session.ts` (import `mod.ts`, `session.fromPartition("x")`) and on an empty script,
 * interleaved (empty and session, Deno then Bun, in each round), and compares the medians.
 * Goal (issue #24): the session script within 25 ms of the empty one on both runtimes. Then, for
 * where the time goes, `_startup_split.ts` in as many processes: the `import()` of `mod.ts` and
 * the first `fromPartition` timed apart inside the process (no goal of their own).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finish, percentile, report } from "./_report.ts";

const ROUNDS = Number(Deno.env.get("STARTUP_ROUNDS") ?? 21);
const GOAL_MS = 25;
const root = new URL("../../", import.meta.url).pathname;
const script = (name: string) => new URL(`./${name}`, import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), "websession-startup-"));

const runtimes: Record<string, string[]> = {
  deno: [Deno.execPath(), "run", "-A", "--no-check"],
  bun: [`${root}node_modules/.bin/bun`],
};
const scripts = { empty: script("_startup_empty.ts"), session: script("_startup_session.ts") };

/** Runs one process to its end; returns its wall time in milliseconds. */
function time(command: string[], file: string): number {
  return spawn(command, file).ms;
}

/** Runs one process to its end; returns its wall time in milliseconds and its stdout. */
function spawn(command: string[], file: string): { ms: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync(command[0], [...command.slice(1), file], {
    cwd: root,
    env: { ...Deno.env.toObject(), WEBSESSION_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${command[0]} ${file} exited ${result.status}: ${result.stderr}`);
  }
  return { ms, stdout: result.stdout };
}

const samples: Record<string, number[]> = {};
// One warm-up round each (Deno's module cache, the page cache), not counted.
for (const [runtime, command] of Object.entries(runtimes)) {
  for (const file of Object.values(scripts)) time(command, file);
  for (const name of Object.keys(scripts)) samples[`${runtime} ${name}`] = [];
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [runtime, command] of Object.entries(runtimes)) {
    for (const [name, file] of Object.entries(scripts)) {
      samples[`${runtime} ${name}`].push(time(command, file));
    }
  }
}
const parts: Record<string, { import: number[]; fromPartition: number[] }> = {};
for (const runtime of Object.keys(runtimes)) parts[runtime] = { import: [], fromPartition: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [runtime, command] of Object.entries(runtimes)) {
    const split = JSON.parse(spawn(command, script("_startup_split.ts")).stdout);
    parts[runtime].import.push(split.import);
    parts[runtime].fromPartition.push(split.fromPartition);
  }
}
rmSync(home, { recursive: true, force: true });

let met = true;
for (const runtime of Object.keys(runtimes)) {
  const empty = percentile(samples[`${runtime} empty`], 50);
  const ses = percentile(samples[`${runtime} session`], 50);
  const ok = ses - empty <= GOAL_MS;
  met &&= ok;
  report({
    bench: "startup",
    figure: `${runtime}: import mod.ts + fromPartition, median of ${ROUNDS} processes`,
    value: ses,
    unit: "ms",
    baseline: { name: "empty script", value: empty },
    goal: `<= empty + ${GOAL_MS} ms (now empty + ${Math.round(ses - empty)} ms)`,
    met: ok,
  });
}
for (const [runtime, split] of Object.entries(parts)) {
  for (const [part, values] of Object.entries(split)) {
    report({
      bench: "startup",
      figure:
        `${runtime}: ${part === "import" ? "import() of mod.ts" : "the first fromPartition"}` +
        `, inside the process, median of ${ROUNDS}`,
      value: percentile(values, 50),
      unit: "ms",
    });
  }
}
finish();
if (!met) {
  console.error(`startup: GOAL NOT MET (a session within ${GOAL_MS} ms of an empty script)`);
  Deno.exit(1);
}
