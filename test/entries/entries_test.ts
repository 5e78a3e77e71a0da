import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { serve, type TestServer } from "../_serve.ts";

const root = new URL("../../", import.meta.url);
const script = new URL("./_import_alone.ts", import.meta.url).pathname;
const config = new URL("deno.json", root).pathname;
const exports: Record<string, string> = JSON.parse(readFileSync(config, "utf8")).exports;

/** Imports `module` alone in a fresh process of this runtime and fetches `url`; its output. */
function importAlone(module: string, url: string, home: string): Promise<string> {
  const isBun = "Bun" in globalThis;
  const args = isBun
    ? [script, module, url]
    : ["run", "-A", "--config", config, script, module, url];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: 60000, env: { ...process.env, WEBSESSION_HOME: home } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout.trim());
      },
    );
  });
}

describe("public entry points imported alone", () => {
  let server: TestServer;
  let home: string;

  before(async () => {
    server = await serve(() => new Response("hello"));
    home = mkdtempSync(join(tmpdir(), "websession-entries-"));
  });

  after(async () => {
    await server?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("./net alone sends a request through the runtime's transport", async () => {
    assert.equal(exports["./net"], "./entries/net.ts");
    const output = await importAlone(new URL("entries/net.ts", root).href, server.url, home);
    assert.equal(output, "200 hello");
  });

  it("every subpath that is an entry gives a working default session", async () => {
    const entries = Object.entries(exports).filter(([, path]) => path.startsWith("./entries/"));
    assert.ok(entries.length >= 6, `entries: ${entries.map(([name]) => name).join(", ")}`);
    for (const [name, path] of entries) {
      const output = await importAlone(new URL(path, root).href, server.url, home);
      assert.equal(output, "200 hello", `${name} (${path})`);
    }
  });

  it("every subpath that reaches sessions is an entry", () => {
    for (const name of ["./net", "./cookies", "./proxy", "./cdp", "./web-request", "./protocol"]) {
      assert.match(exports[name], /^\.\/entries\//, name);
    }
  });

  it("the kernel's net module without an entry has no HTTP layer (nor transport)", async () => {
    const output = await importAlone(new URL("kernel/net/mod.ts", root).href, server.url, home);
    assert.match(output, /^net::ERR_NOT_IMPLEMENTED .*No HTTP layer is configured/);
  });
});
