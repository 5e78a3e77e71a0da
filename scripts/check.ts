/**
 * `deno task check`: formatting, lint, types, doc lint (every entry point of deno.json's
 * `exports`) and a publish dry run without warnings; stops at the first step that fails.
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
  const publish = args[0] === "publish";
  const command = new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: publish ? { NO_COLOR: "1" } : {},
    stderr: publish ? "piped" : "inherit",
  });
  // Deno throws on reading `stderr` of an output whose stderr was not piped: only when publishing
  const output = await command.output();
  const code = output.code;
  const stderr = publish ? output.stderr : new Uint8Array();
  if (code !== 0) {
    if (publish) await Deno.stderr.write(stderr);
    console.error(`deno ${args.join(" ")} failed (exit ${code})`);
    Deno.exit(code);
  }
  if (publish) {
    // The dry run passes with warnings (slow types, unanalyzable imports); users of the published
    // package would meet them, so any warning fails the check.
    const text = new TextDecoder().decode(stderr);
    await Deno.stderr.write(stderr);
    if (/^warning/m.test(text)) {
      console.error(`deno ${args.join(" ")} warns (above): the check fails`);
      Deno.exit(1);
    }
  }
}
console.log("\ncheck: all clean");
