/**
 * `deno task bench startup`: cold start, whole process. Spawns `deno run` and `bun` on
 * `_startup_session.ts` (import `mod.ts`, `session.fromPartition("x")`) and on an empty script,
 * interleaved (empty and session, Deno then Bun, in each round), and compares the medians.
 * Goal (issue #24): the session script within 25 ms of the empty one on both runtimes. The same
 * processes' CPU time (user + system, from bash's `times`) is reported too: on a loaded machine
 * it moves much less than the wall time. `STARTUP_AGAINST=/path/to/main` adds another checkout's
 * session script to the same rounds, for a comparison measured in the same minutes. Then, for
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
const scripts: Record<string, string> = {
  empty: script("_startup_empty.ts"),
  session: script("_startup_session.ts"),
};
// STARTUP_AGAINST=<another checkout> (main's): its session script runs in the same rounds, from
// its own folder, and is reported beside this one's.
const against = Deno.env.get("STARTUP_AGAINST")?.replace(/\/$/, "");
if (against) scripts.against = `${against}/scripts/bench/_startup_session.ts`;

/** What one process cost, in milliseconds, and what it printed. */
interface Cost {
  /** Wall time, bash's start included (the same for every script, so it cancels out). */
  wall: number;
  /** CPU time, user + system, all its threads: less moved by other load than wall time. */
  cpu: number;
  stdout: string;
}

/** Runs one process to its end under bash, whose `times` gives the child's CPU time. */
function spawn(command: string[], file: string): Cost {
  const cwd = against && file.startsWith(`${against}/`) ? against : root;
  const start = performance.now();
  const result = spawnSync(
    "bash",
    ["-c", '"$@"; status=$?; times; exit $status', "startup", ...command, file],
    {
      cwd,
      env: { ...Deno.env.toObject(), WEBSESSION_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    },
  );
  const wall = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${command[0]} ${file} exited ${result.status}: ${result.stderr}`);
  }
  // `times` prints the shell's own user and system time, then its children's: "0m0.120s 0m0.031s".
  const lines = result.stdout.trimEnd().split("\n");
  const cpu = [...lines.at(-1)!.matchAll(/(\d+)m([\d.]+)s/g)]
    .reduce((sum, [, m, s]) => sum + (Number(m) * 60 + Number(s)) * 1000, 0);
  return { wall, cpu, stdout: lines.slice(0, -2).join("\n") };
}

const samples: Record<string, number[]> = {};
const cpuSamples: Record<string, number[]> = {};
// One warm-up round each (Deno's module cache, the page cache), not counted.
for (const [runtime, command] of Object.entries(runtimes)) {
  for (const file of Object.values(scripts)) spawn(command, file);
  for (const name of Object.keys(scripts)) {
    samples[`${runtime} ${name}`] = [];
    cpuSamples[`${runtime} ${name}`] = [];
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [runtime, command] of Object.entries(runtimes)) {
    for (const [name, file] of Object.entries(scripts)) {
      const cost = spawn(command, file);
      samples[`${runtime} ${name}`].push(cost.wall);
      cpuSamples[`${runtime} ${name}`].push(cost.cpu);
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
for (const runtime of Object.keys(runtimes)) {
  if (!against) break;
  const empty = percentile(samples[`${runtime} empty`], 50);
  const ses = percentile(samples[`${runtime} against`], 50);
  const emptyCpu = percentile(cpuSamples[`${runtime} empty`], 50);
  const sesCpu = percentile(cpuSamples[`${runtime} against`], 50);
  report({
    bench: "startup",
    figure: `${runtime}: ${against}'s session script, same rounds, median (empty + ` +
      `${Math.round(ses - empty)} ms; CPU ${Math.round(sesCpu)} ms, empty + ${
        Math.round(sesCpu - emptyCpu)
      } ms)`,
    value: ses,
    unit: "ms",
    baseline: { name: "empty script", value: empty },
  });
}
for (const runtime of Object.keys(runtimes)) {
  const empty = percentile(cpuSamples[`${runtime} empty`], 50);
  const ses = percentile(cpuSamples[`${runtime} session`], 50);
  report({
    bench: "startup",
    figure: `${runtime}: CPU time (user + system) of the same processes, median ` +
      `(empty + ${Math.round(ses - empty)} ms)`,
    value: ses,
    unit: "ms",
    baseline: { name: "empty script", value: empty },
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
