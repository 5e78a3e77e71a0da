/**
 * A plugin project in a temporary folder outside the repository, tested the way its author would:
 * `deno install && deno test -A` under Deno, `bun install && bun test` under Bun (the runtime
 * running this test decides which).
 *
 * @module
 */
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bun, denoExecutable, ok, root, run } from "./_process.ts";

/** Whether this test runs under Bun. */
export const onBun: boolean = "Bun" in globalThis;

/** Copies the plugin folder `from` to `to`, pointing its websession dependency at this checkout. */
export async function copyLinked(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    filter: (src) => !/node_modules|\.lock$|deno\.lock/.test(src),
  });
  const denoJson = JSON.parse(await readFile(join(to, "deno.json"), "utf8"));
  denoJson.links = [root];
  await writeFile(join(to, "deno.json"), JSON.stringify(denoJson, null, 2));
  const packageJson = JSON.parse(await readFile(join(to, "package.json"), "utf8"));
  packageJson.dependencies.websession = `file:${root}`;
  await writeFile(join(to, "package.json"), JSON.stringify(packageJson, null, 2));
}

/** Installs and runs the project's own tests with this runtime; answers their output. */
export async function runOwnTests(project: string): Promise<string> {
  const env = { WEBSESSION_HOME: join(project, ".websession") };
  const [cmd, install, test] = onBun
    ? [bun, ["install", "--prefer-offline"], ["test"]]
    : [await denoExecutable(), ["install"], ["test", "-A"]];
  await ok(cmd, install, project);
  const result = await run(cmd, test, project, env);
  assert.equal(result.code, 0, `${test.join(" ")} failed in ${project}:\n${result.output}`);
  return result.output;
}

/** Asserts that a test run's output reports `count` passed tests and none failed. */
export function assertPassed(output: string, count: number): void {
  if (onBun) {
    assert.match(output, new RegExp(`\\b${count} pass\\b`), output);
    assert.match(output, /\b0 fail\b/, output);
  } else {
    // Deno counts a describe block as one test and its its as steps.
    assert.match(output, new RegExp(`ok \\| 1 passed \\(${count} steps?\\) \\| 0 failed`), output);
  }
}
