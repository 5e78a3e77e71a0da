import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifest } from "../../mod.ts";
import { denoExecutable, runScript } from "../_process.ts";
import { assertPassed, runOwnTests } from "../_plugin_project.ts";

let dir = "";
let deno = "";

/** `deno task new-plugin ARGS` started in `cwd`. */
function newPlugin(args: string[], cwd: string) {
  return runScript(deno, "new_plugin.ts", args, cwd);
}

describe("deno task new-plugin", () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "websession-new-plugin-"));
    deno = await denoExecutable();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes an inline plugin (tap and member) whose own test passes where it was written", async () => {
    const result = await newPlugin(["audit-trail"], dir);
    assert.equal(result.code, 0, result.output);
    const project = join(dir, "audit-trail");
    assert.deepEqual((await readdir(project)).sort(), [
      ".gitignore",
      "README.md",
      "deno.json",
      "manifest.json",
      "mod.ts",
      "mod_test.ts",
      "package.json",
    ]);
    const manifest = parseManifest(
      JSON.parse(await readFile(join(project, "manifest.json"), "utf8")),
    );
    assert.deepEqual(manifest.api, ["auditTrail"]);
    assert.equal(manifest.isolation, "inline");
    assert.match(
      await readFile(join(project, "README.md"), "utf8"),
      /`hooks`: the pipeline stages/,
    );
    assertPassed(await runOwnTests(project), 1);
  });

  it("writes an isolated plugin (a tap, no member) whose own test loads it in a Worker", async () => {
    const result = await newPlugin(["edge-tagger", "--isolated", "--dir", "nested"], dir);
    assert.equal(result.code, 0, result.output);
    const project = join(dir, "nested", "edge-tagger");
    const manifest = parseManifest(
      JSON.parse(await readFile(join(project, "manifest.json"), "utf8")),
    );
    assert.equal(manifest.isolation, "worker");
    assert.deepEqual(manifest.api, []);
    assertPassed(await runOwnTests(project), 1);
  });

  it("refuses a name that is not kebab-case and a folder that is not empty, writing nothing", async () => {
    const bad = await newPlugin(["Bad_Name"], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /"Bad_Name" is not a plugin name: use kebab-case/);
    await assert.rejects(readdir(join(dir, "Bad_Name")), { code: "ENOENT" });
    await mkdir(join(dir, "taken"));
    await writeFile(join(dir, "taken", "keep.txt"), "mine");
    const taken = await newPlugin(["taken"], dir);
    assert.equal(taken.code, 1);
    assert.match(taken.output, /exists and is not empty; nothing was written/);
    assert.deepEqual(await readdir(join(dir, "taken")), ["keep.txt"]);
    const usage = await newPlugin([], dir);
    assert.equal(usage.code, 2);
    assert.match(usage.output, /Usage: deno task new-plugin NAME/);
  });
});
