/**
 * `deno task conformance [paths...]`: runs the third-party conformance suites (Chromium's, the
 * web-platform-tests', the IETF's, pac-resolver's) through the runners in `conformance/`, under
 * Deno and under Bun, ending with one line `N passed, M failed`. The data is not part of the
 * repository: it is read from `WEBSESSION_CONFORMANCE`, else `../shared/conformance` beside the
 * repository, and the task fails with one line saying so when it is absent.
 *
 * @module
 */
import { ensureInstalled } from "./_install.ts";
import { runBothRuntimes } from "./_runtimes.ts";
import { conformanceDir, missingConformance } from "../conformance/_data.ts";

const dir = conformanceDir(Deno.env.get("INIT_CWD") ?? Deno.cwd());
const problem = missingConformance(dir);
if (problem) {
  console.log(problem);
  console.log("0 passed, 1 failed");
  Deno.exit(1);
}
console.log(`Conformance data: ${dir}`);
await ensureInstalled();
const paths = Deno.args.length > 0 ? Deno.args : ["conformance/"];
Deno.exit(await runBothRuntimes(paths, { WEBSESSION_CONFORMANCE: dir }));
