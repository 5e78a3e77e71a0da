// The package's `websession-new-plugin` command: installed into an app as a dependency, `bunx
// websession-new-plugin NAME` writes a plugin that depends on the published ranges (there is no
// checkout to link to), and the script runs on Bun as well as Deno (node: APIs only).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bun, ok, root, run } from "../_process.ts";

let dir = "";

describe("websession-new-plugin (the package's bin)", () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "websession-bin-"));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("bunx websession-new-plugin writes a plugin on the registry's ranges", async () => {
    const app = join(dir, "app");
    await ok("mkdir", ["-p", app], dir);
    await writeFile(
      join(app, "package.json"),
      JSON.stringify({ name: "app", private: true, dependencies: { websession: `file:${root}` } }),
    );
    await ok(bun, ["install", "--prefer-offline"], app);
    // INIT_CWD as a package manager sets it: where the command was started.
    const out = await ok(bun, ["x", "websession-new-plugin", "stamp-it"], app, { INIT_CWD: app });
    assert.match(out, /Wrote .*stamp-it/);
    const pkg = JSON.parse(await readFile(join(app, "stamp-it/package.json"), "utf8"));
    assert.match(pkg.dependencies.websession, /^\^\d+\.\d+\.\d+$/);
    const manifest = JSON.parse(await readFile(join(app, "stamp-it/manifest.json"), "utf8"));
    assert.equal(manifest.name, "stamp-it");
  });

  it("refuses a bad name and a folder that is not empty, writing nothing", async () => {
    const script = join(root, "scripts/new_plugin.ts");
    const env = { INIT_CWD: dir };
    const bad = await run(bun, [script, "Not_Kebab", "--dir", dir], dir, env);
    assert.equal(bad.code, 2, bad.output);
    assert.match(bad.output, /Not_Kebab/);
    await ok(bun, [script, "twice", "--dir", dir], dir, env);
    const again = await run(bun, [script, "twice", "--dir", dir], dir, env);
    assert.equal(again.code, 1, again.output);
    assert.match(again.output, /exists and is not empty; nothing was written/);
  });
});
