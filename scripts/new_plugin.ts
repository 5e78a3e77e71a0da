/**
 * `deno task new-plugin NAME [--dir DIR] [--isolated] [--registry]`: writes a plugin folder
 * `DIR/NAME` (default: `./NAME` where the task was started) that builds and tests on its own, on
 * Deno (`deno install && deno task test`) and on Bun (`bun install && bun test`).
 *
 * By default the plugin uses this checkout of websession (deno.json `links`, package.json
 * `file:`); `--registry` writes the published package's ranges instead (JSR for Deno, npm for Bun).
 *
 * @module
 */
import { checkPluginName, scaffoldPlugin } from "./_plugin_scaffold.ts";

const USAGE = `Usage: deno task new-plugin NAME [--dir DIR] [--isolated] [--registry]

  NAME        the plugin's name, kebab-case (e.g. request-logger)
  --dir DIR   the folder to create NAME in (default: where the task was started)
  --isolated  an isolated plugin ("isolation": "worker"): one tap, no members
  --registry  depend on the published package instead of this checkout`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
}

const args = [...Deno.args];
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  Deno.exit(0);
}
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const isolated = flag("--isolated");
const registry = flag("--registry");
let dir: string | undefined;
const d = args.indexOf("--dir");
if (d >= 0) {
  dir = args[d + 1];
  if (!dir || dir.startsWith("--")) fail("--dir needs a folder");
  args.splice(d, 2);
}
const unknown = args.find((a) => a.startsWith("-"));
if (unknown) fail(`Unknown option ${unknown}`);
if (args.length !== 1) fail(args.length === 0 ? "Give the plugin's name" : "Give one name");
const name = args[0];
try {
  checkPluginName(name);
} catch (error) {
  fail((error as Error).message);
}

// `deno task` runs in the project folder; INIT_CWD is where it was started.
const cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd();
const base = dir ? (dir.startsWith("/") ? dir : `${cwd}/${dir}`) : cwd;
const target = `${base.replace(/\/$/, "")}/${name}`;
try {
  const entries = [...Deno.readDirSync(target)];
  if (entries.length > 0) {
    console.error(`new-plugin: ${target} exists and is not empty; nothing was written`);
    Deno.exit(1);
  }
} catch (error) {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const denoConfig = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
const packageConfig = JSON.parse(await Deno.readTextFile(`${root}/package.json`));
const files = scaffoldPlugin({
  name,
  isolated,
  link: registry ? null : root,
  version: denoConfig.version,
  typesNode: packageConfig.devDependencies["@types/node"],
});
await Deno.mkdir(target, { recursive: true });
for (const [path, text] of Object.entries(files)) {
  await Deno.writeTextFile(`${target}/${path}`, text);
}
console.log(`Wrote ${target}:`);
for (const path of Object.keys(files)) console.log(`  ${path}`);
console.log(
  `\nNext: cd ${target} && deno install && deno task test   (Bun: bun install && bun test)`,
);
