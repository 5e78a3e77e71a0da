// A Deno consumer outside the repository loading an isolated plugin: without
// `--unstable-worker-options` the load rejects naming the flag and the process goes on (Deno
// itself would end the process with exit code 70); with the flag or the deno.json setting it loads.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

const script = `
import { session } from "${root}mod.ts";
const ses = session.fromPartition("worker-options");
try {
  await ses.plugins.load("${root}test/fixtures/header_plugin");
  console.log("loaded");
} catch (error) {
  console.log("rejected: " + (error as Error).message);
}
await new Promise((resolve) => setTimeout(resolve, 100));
console.log("still running");
await ses.close();
`;

function run(dir: string, flags: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      deno!.execPath(),
      ["run", "-A", ...flags, "main.ts"],
      { cwd: dir, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: stdout + stderr });
      },
    );
  });
}

if (deno) {
  describe("Deno isolation without --unstable-worker-options", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "websession-consumer-"));
      await cp(join(root, "package.json"), join(dir, "package.json"));
      await symlink(join(root, "node_modules"), join(dir, "node_modules"));
      await writeFile(join(dir, "main.ts"), script);
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it("rejects load with an error naming the flag, and the process goes on", async () => {
      await writeFile(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
      const { code, stdout } = await run(dir, []);
      assert.match(
        stdout,
        /rejected: .*--unstable-worker-options.*"unstable": \["worker-options"\]/,
      );
      assert.match(stdout, /still running/);
      assert.equal(code, 0, stdout);
    });

    it("loads with the flag on the command line", async () => {
      await writeFile(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
      const { code, stdout } = await run(dir, ["--unstable-worker-options"]);
      assert.match(stdout, /^loaded$/m, stdout);
      assert.equal(code, 0, stdout);
    });

    it("loads with the setting in the consumer's deno.json", async () => {
      await writeFile(
        join(dir, "deno.json"),
        JSON.stringify({ nodeModulesDir: "manual", unstable: ["worker-options"] }),
      );
      const { code, stdout } = await run(dir, []);
      assert.match(stdout, /^loaded$/m, stdout);
      assert.equal(code, 0, stdout);
    });
  });
}
