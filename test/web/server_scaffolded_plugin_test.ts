// A plugin as its author ships it: written by `deno task new-plugin --isolated`, signed with
// `deno task sign-plugin`, loaded into a running session server with --plugin and --trusted-key;
// the next request through the proxy carries its header.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { denoExecutable, runScript } from "../_process.ts";
import { serve, type TestServer } from "../_serve.ts";
import {
  curl,
  runServerToExit,
  type ServerProcess,
  startServerProcess,
} from "./_server_process.ts";
import { needs } from "../_system.ts";

needs("curl");

let dir = "";
let deno = "";
let origin: TestServer;
let server: ServerProcess | undefined;

/** Runs one of the repository's scripts with Deno in `cwd`, as `deno task` would. */
async function script(name: string, args: string[], cwd: string) {
  const result = await runScript(deno, name, args, cwd);
  assert.equal(result.code, 0, result.output);
  return result.stdout;
}

describe("a scaffolded plugin, signed and loaded into the session server", () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "websession-ship-plugin-"));
    deno = await denoExecutable();
    origin = await serve((request) =>
      Response.json({ stamp: request.headers.get("x-ship-stamp") })
    );
  });
  after(async () => {
    await server?.stop();
    await origin?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("refuses it before it is signed, then its header shows on the next proxied request", async () => {
    await script("new_plugin.ts", ["ship-stamp", "--isolated"], dir);
    const project = join(dir, "ship-stamp");
    const publicJwk = (await script("sign_plugin.ts", ["--generate-key", "key.jwk.json"], dir))
      .trim().split("\n").at(-1)!;
    await writeFile(join(dir, "trusted.jwk.json"), publicJwk);
    const trust = ["--trusted-key", join(dir, "trusted.jwk.json"), "--allow-unenforced-isolation"];

    const unsigned = await runServerToExit(join(dir, "home-unsigned"), [
      "--port",
      "0",
      "--plugin",
      project,
      ...trust,
    ]);
    assert.equal(unsigned.code, 1, unsigned.stderr);
    assert.match(unsigned.stderr, /^websession: --plugin .*ship-stamp: .*sign/im);

    await script("sign_plugin.ts", [project, "--key", "key.jwk.json"], dir);
    server = await startServerProcess(join(dir, "home"), ["--plugin", project, ...trust]);
    const answer = await curl(["-s", "-x", server.proxy, `${origin.url}/`]);
    assert.deepEqual(JSON.parse(answer.stdout), { stamp: "0.1.0" });
  });
});
