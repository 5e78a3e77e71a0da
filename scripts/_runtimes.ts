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
  const outcomes: Outcome[] = [];
  if (only.includes("deno")) {
    const args = ["test", "-A", "--no-check", "--reporter=tap", ...paths];
    outcomes.push(await run("deno", Deno.execPath(), args, env));
    if (docs.length > 0) {
      const docArgs = ["test", "-A", "--doc", "--reporter=tap", ...docs];
      outcomes.push(await run("deno doc examples", Deno.execPath(), docArgs, env));
    }
  }
  if (only.includes("bun")) {
    const args = ["test", "--timeout", "120000", ...paths];
    outcomes.push(await run("bun", `${root}node_modules/.bin/bun`, args, env));
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

async function run(
  runtime: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<Outcome> {
  console.log(`\n=== ${runtime}: ${[cmd, ...args].join(" ")}`);
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { ...env, WEBSESSION_TEST_RUNTIME: runtime.split(" ")[0], NO_COLOR: "1" },
  }).spawn();
  const [out, err, status] = await Promise.all([
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
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

async function pump(stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    await sink.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  return text;
}
