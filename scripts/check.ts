/**
 * `deno task check`: formatting, lint, types, doc lint and a publish dry run; stops at the first
 * step that fails.
 *
 * @module
 */
import { ensureInstalled, root } from "./_install.ts";

await ensureInstalled();
const steps: string[][] = [
  ["fmt", "--check"],
  ["lint"],
  ["check", "mod.ts", "web/mod.ts", "scripts/", "test/", "conformance/"],
  ["doc", "--lint", "mod.ts"],
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
