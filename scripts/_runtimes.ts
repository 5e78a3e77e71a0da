/**
 * Runs `node:test` files under Deno and under Bun and counts their tests: what `deno task test`
 * and `deno task conformance` share. Each runtime's output streams through; the counts end in one
 * line `N passed, M failed` adding up both runtimes.
 *
 * @module
 */
import { root } from "./_install.ts";

/** What one runtime's run came to. */
export interface Outcome {
  /** `deno` or `bun`. */
  runtime: string;
  /** Leaf tests that passed. */
  passed: number;
  /** Leaf tests that failed (at least 1 when the runtime exited non-zero). */
  failed: number;
  /** The runtime's exit code. */
  code: number;
  /** The names of the leaf tests that failed, as the runtime printed them. */
  failures: string[];
}

/**
 * Runs `paths` under the runtimes named by `WEBSESSION_TEST_RUNTIMES` (default `deno,bun`),
 * prints each runtime's counts and the `N passed, M failed` total, and returns the exit code the
 * task should end with (1 when anything failed). With `docs`, Deno also runs the JSDoc examples of
 * those modules as tests (`deno test --doc`), counted with the rest.
 *
 * Deno's tests run at the same time as Bun's and then the doc examples (most tests wait on
 * sockets, subprocesses and Chromium, so even on two cores this cuts the suite's time by a
 * quarter); Deno's output streams through, the other lane's follows once Deno is done.
 * `WEBSESSION_TEST_SERIAL=1` runs them one after the other. Each run gets its own storage root
 * (`WEBSESSION_HOME`, a temporary folder) so that their `persist:` partitions never meet.
 *
 * @example
 * ```ts
 * Deno.exit(await runBothRuntimes(["test/"]));
 * ```
 */
export async function runBothRuntimes(
  paths: string[],
  env: Record<string, string> = {},
  docs: string[] = [],
): Promise<number> {
  const only = Deno.env.get("WEBSESSION_TEST_RUNTIMES")?.split(",") ?? ["deno", "bun"];
  const serial = Deno.env.get("WEBSESSION_TEST_SERIAL") === "1";
  const homes: string[] = [];
  const envFor = async (runtime: string) => {
    if (env.WEBSESSION_HOME !== undefined) return env;
    const home = await Deno.makeTempDir({ prefix: `websession-test-${runtime}-` });
    homes.push(home);
    return { ...env, WEBSESSION_HOME: home };
  };
  // Two lanes: Deno's tests; Bun's tests, then the doc examples (about as long together).
  const denoLane = async (sink: Sink): Promise<Outcome[]> => {
    if (!only.includes("deno")) return [];
    const args = ["test", "-A", "--no-check", "--reporter=tap", ...paths];
    return [await run("deno", Deno.execPath(), args, await envFor("deno"), sink)];
  };
  const bunLane = async (sink: Sink): Promise<Outcome[]> => {
    const outcomes: Outcome[] = [];
    if (only.includes("bun")) {
      const args = ["test", "--timeout", "120000", ...paths];
      outcomes.push(
        await run("bun", `${root}node_modules/.bin/bun`, args, await envFor("bun"), sink),
      );
    }
    if (only.includes("deno") && docs.length > 0) {
      const args = ["test", "-A", "--doc", "--reporter=tap", ...docs];
      outcomes.push(
        await run("deno doc examples", Deno.execPath(), args, await envFor("doc"), sink),
      );
    }
    return outcomes;
  };
  const outcomes: Outcome[] = [];
  try {
    if (serial) {
      outcomes.push(...await denoLane(Deno.stdout), ...await bunLane(Deno.stdout));
    } else {
      const held = new HeldOutput();
      console.log("(deno's tests run beside bun's and the doc examples; their output follows)");
      const lanes = await Promise.all([denoLane(Deno.stdout), bunLane(held)]);
      await Deno.stdout.write(held.bytes());
      outcomes.push(...lanes.flat());
    }
  } finally {
    for (const home of homes) await Deno.remove(home, { recursive: true }).catch(() => {});
  }
  console.log("");
  for (const o of outcomes) console.log(`${o.runtime}: ${o.passed} passed, ${o.failed} failed`);
  for (const o of outcomes) {
    for (const name of o.failures) console.log(`FAILED (${o.runtime}): ${name}`);
  }
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || outcomes.some((o) => o.code !== 0) ? 1 : 0;
}

/** Where a runtime's output goes: the terminal, or held back for later. */
interface Sink {
  write(chunk: Uint8Array): Promise<number>;
}

/** Output kept in memory while another runtime's streams through. */
class HeldOutput implements Sink {
  #chunks: Uint8Array[] = [];

  write(chunk: Uint8Array): Promise<number> {
    this.#chunks.push(chunk.slice());
    return Promise.resolve(chunk.length);
  }

  bytes(): Uint8Array {
    const all = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all;
  }
}

async function run(
  runtime: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  sink: Sink,
): Promise<Outcome> {
  await sink.write(new TextEncoder().encode(`\n=== ${runtime}: ${[cmd, ...args].join(" ")}\n`));
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { ...env, WEBSESSION_TEST_RUNTIME: runtime.split(" ")[0], NO_COLOR: "1" },
  }).spawn();
  const [out, err, status] = await Promise.all([
    pump(child.stdout, sink),
    pump(child.stderr, sink === Deno.stdout ? Deno.stderr : sink),
    child.status,
  ]);
  const text = out + err;
  let passed = 0;
  let failed = 0;
  let failures: string[] = [];
  if (runtime.startsWith("deno")) {
    [passed, failed, failures] = countTap(text);
  } else if (runtime === "bun") {
    passed = Number(/^\s*(\d+) pass$/m.exec(text)?.[1] ?? 0);
    failed = Number(/^\s*(\d+) fail$/m.exec(text)?.[1] ?? 0);
    failures = [...new Set(text.split("\n").filter((line) => line.startsWith("(fail) ")))]
      .map((line) => line.slice("(fail) ".length).replace(/ \[[\d.]+m?s\]$/, ""));
  }
  if (status.code !== 0 && failed === 0) {
    failed = 1;
    failures.push(`${runtime} exited with code ${status.code}`);
  }
  return { runtime, passed, failed, code: status.code, failures };
}

/**
 * Counts the leaf tests of Deno's TAP output (a describe block is not a test) and names the
 * failed ones, with the blocks they are in.
 *
 * @example
 * ```ts
 * countTap("ok 1 - a\nnot ok 2 - b\n"); // [1, 1, ["b"]]
 * ```
 */
export function countTap(text: string): [number, number, string[]] {
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  const open: Array<{ indent: number; name: string }> = [];
  for (const line of text.split("\n")) {
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      open.push({ indent: subtest[1].length, name: subtest[2] });
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+ - (.*?)(?: # .*)?$/.exec(line);
    if (!result) continue;
    const top = open[open.length - 1];
    if (top && top.indent === result[1].length && top.name === result[3]) {
      open.pop();
      continue;
    }
    if (result[2] === "ok") passed++;
    else {
      failed++;
      failures.push([...open.map((block) => block.name), result[3]].join(" > "));
    }
  }
  return [passed, failed, failures];
}

async function pump(stream: ReadableStream<Uint8Array>, sink: Sink): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    await sink.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  return text;
}
