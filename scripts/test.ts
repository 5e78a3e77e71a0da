/**
 * `deno task test [paths...]`: installs what the tests need (the npm dependencies, and the Debian
 * packages when it can), then runs the same `node:test` files under Deno and under Bun, and ends
 * with one line `N passed, M failed` adding up both runtimes. Without paths it also runs the JSDoc
 * examples of every published entry point (deno.json's exports) as doc tests.
 *
 * @module
 */
import { ensureInstalled, root } from "./_install.ts";
import { runBothRuntimes } from "./_runtimes.ts";
import { ensureSystemDeps } from "./_system_deps.ts";

await ensureInstalled();
await ensureSystemDeps();
if (Deno.args.length > 0) Deno.exit(await runBothRuntimes(Deno.args));
// The whole suite also runs every JSDoc example of the published entry points as a test.
const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
const entries = Object.values(config.exports as Record<string, string>);
Deno.exit(await runBothRuntimes(["test/"], {}, entries));
