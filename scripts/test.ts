/**
 * `deno task test [paths...]`: installs what the tests need, then runs the same `node:test` files
 * under Deno and under Bun, and ends with one line `N passed, M failed` adding up both runtimes.
 *
 * @module
 */
import { ensureInstalled, root } from "./_install.ts";

await ensureInstalled();
const paths = Deno.args.length > 0 ? Deno.args : ["test/"];
const only = Deno.env.get("WEBSESSION_TEST_RUNTIMES")?.split(",") ?? ["deno", "bun"];

interface Outcome {
  runtime: string;
  passed: number;
  failed: number;
  code: number;
}

async function run(runtime: string, cmd: string, args: string[]): Promise<Outcome> {
  console.log(`\n=== ${runtime}: ${[cmd, ...args].join(" ")}`);
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { WEBSESSION_TEST_RUNTIME: runtime, NO_COLOR: "1" },
  }).spawn();
  const [out, err, status] = await Promise.all([
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
    child.status,
  ]);
  const text = out + err;
  let passed = 0;
  let failed = 0;
  if (runtime === "deno") {
    [passed, failed] = countTap(text);
  } else if (runtime === "bun") {
    passed = Number(/^\s*(\d+) pass$/m.exec(text)?.[1] ?? 0);
    failed = Number(/^\s*(\d+) fail$/m.exec(text)?.[1] ?? 0);
  }
  if (status.code !== 0 && failed === 0) failed = 1;
  return { runtime, passed, failed, code: status.code };
}

/** Counts the leaf tests of Deno's TAP output (a describe block is not a test). */
function countTap(text: string): [number, number] {
  let passed = 0;
  let failed = 0;
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
    else failed++;
  }
  return [passed, failed];
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

const outcomes: Outcome[] = [];
if (only.includes("deno")) {
  outcomes.push(
    await run("deno", Deno.execPath(), ["test", "-A", "--no-check", "--reporter=tap", ...paths]),
  );
}
if (only.includes("bun")) {
  outcomes.push(
    await run("bun", `${root}node_modules/.bin/bun`, ["test", "--timeout", "120000", ...paths]),
  );
}
console.log("");
for (const o of outcomes) console.log(`${o.runtime}: ${o.passed} passed, ${o.failed} failed`);
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + o.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed > 0 || outcomes.some((o) => o.code !== 0) ? 1 : 0);
