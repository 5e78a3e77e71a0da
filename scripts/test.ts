/**
 * `deno task test [paths...]`: installs what the tests need (the npm dependencies, and the Debian
 * packages when it can), then runs the same `node:test` files under Deno and under Bun, and ends
 * with one line `N passed, M failed` adding up both runtimes.
 *
 * @module
 */
import { ensureInstalled } from "./_install.ts";
import { runBothRuntimes } from "./_runtimes.ts";
import { ensureSystemDeps } from "./_system_deps.ts";

await ensureInstalled();
await ensureSystemDeps();
Deno.exit(await runBothRuntimes(Deno.args.length > 0 ? Deno.args : ["test/"]));
