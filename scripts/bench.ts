/**
 * `deno task bench [NAME...]`: runs every benchmark in `scripts/bench/` (or the named ones), each in
 * its own process, one after the other.
 *
 * @module
 */
import { ensureInstalled, root } from "./_install.ts";

await ensureInstalled();
const dir = `${root}scripts/bench/`;
const all: string[] = [];
for await (const entry of Deno.readDir(dir)) {
  if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.startsWith("_")) {
    all.push(entry.name.slice(0, -3));
  }
}
all.sort();
const wanted = Deno.args.length > 0 ? Deno.args : all;
let failed = false;
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`No benchmark named ${name} (have: ${all.join(", ")})`);
    Deno.exit(2);
  }
  console.log(`\n### bench ${name}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", `${dir}${name}.ts`],
    cwd: root,
  }).spawn().status;
  if (code !== 0) failed = true;
}
Deno.exit(failed ? 1 : 0);
