/**
 * `deno task check`: formatting, lint, types, doc lint (every entry point of deno.json's
 * `exports`) and a publish dry run; stops at the first step that fails.
 *
 * @module
 */
import { ensureInstalled, root } from "./_install.ts";

await ensureInstalled();
const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
/** Every published entry point (deno.json's exports). */
const entries: string[] = Object.values(config.exports as Record<string, string>);
const steps: string[][] = [
  ["fmt", "--check"],
  ["lint"],
  ["check", "mod.ts", "web/mod.ts", "scripts/", "test/", "conformance/"],
  // The JSDoc examples of every entry point, and the README's examples, type-check.
  ["check", "--doc", ...entries],
  ["check", "--doc-only", "README.md"],
  ["doc", "--lint", ...entries],
  ["publish", "--dry-run", "--allow-dirty"],
];
for (const args of steps) {
  console.log(`\n=== deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: root }).spawn().status;
  if (code !== 0) {
    console.error(`deno ${args.join(" ")} failed (exit ${code})`);
    Deno.exit(code);
  }
}
console.log("\ncheck: all clean");
