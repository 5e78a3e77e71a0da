/**
 * `deno task start`: installs the npm dependencies if needed, then runs the session server.
 *
 * @module
 */
import { ensureInstalled, root } from "./_install.ts";

await ensureInstalled();
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", `${root}web/server/main.ts`, ...Deno.args],
  cwd: Deno.cwd(),
}).spawn();
const forward = (signal: Deno.Signal) => () => child.kill(signal);
Deno.addSignalListener("SIGINT", forward("SIGINT"));
Deno.addSignalListener("SIGTERM", forward("SIGTERM"));
Deno.exit((await child.status).code);
