import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import process from "node:process";
import { type CdpSite, startCdpSite } from "../_cdp_site.ts";
import { needs } from "../_system.ts";

const script = new URL("../../scripts/cdp_console.ts", import.meta.url).pathname;
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = isBun ? [script, ...args] : ["run", "-A", "--no-check", script, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { timeout: 60000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("deno task cdp-console", () => {
  needs("chromium");
  let site: CdpSite;
  before(async () => {
    site = await startCdpSite();
  });
  after(async () => {
    await site?.close();
  });

  it("prints every console call of the page's targets, labelled, for --seconds", async () => {
    const { code, stdout, stderr } = await run([site.page, "--seconds", "2", "--pipe"]);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split("\n").sort();
    assert.deepEqual(
      lines,
      [
        `[iframe,${site.frame}] log: frame`,
        `[iframe,${site.nested}] log: nested`,
        `[page,${site.page}] log: page`,
        `[shared_worker,${site.shared}] log: shared`,
        `[worker,${site.worker}] log: worker`,
      ].sort(),
    );
  });

  it("refuses a missing or invalid URL with the usage", async () => {
    const missing = await run([]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Usage: deno task cdp-console <url>/);
    const invalid = await run(["not a url"]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /Invalid URL/);
  });
});
