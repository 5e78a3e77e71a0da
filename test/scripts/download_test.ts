import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { formatBytes, progressLine } from "../../scripts/_progress_bar.ts";
import { serve, type TestServer } from "../_serve.ts";

const script = new URL("../../scripts/download.ts", import.meta.url).pathname;
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

/** Runs `deno run -A scripts/download.ts ...args` (Deno's binary: from Bun, the one npx brings). */
function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const [cmd, pre] = deno ? [deno.execPath(), []] : ["npx", ["-y", "deno"]];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, [...pre, "run", "-A", "--no-check", script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WEBSESSION_HOME: home },
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (c) => out += c);
    proc.stderr.on("data", (c) => err += c);
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, out, err }));
  });
}

import process from "node:process";
let server: TestServer;
let home: string;
let dir: string;
before(async () => {
  server = await serve((request) => {
    if (new URL(request.url).pathname === "/missing") return new Response("no", { status: 404 });
    return new Response(new Uint8Array(300_000).fill(7), {
      headers: { "content-disposition": 'attachment; filename="cli.bin"' },
    });
  });
  home = mkdtempSync(`${tmpdir()}/websession-cli-home-`);
  dir = mkdtempSync(`${tmpdir()}/websession-cli-`);
});
after(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe("deno task download", () => {
  it("draws a progress bar", () => {
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(progressLine(512, 1024, 100, 10), "[#####-----]  50% 512 B / 1.0 KiB  100 B/s");
    assert.equal(progressLine(2048, 0, 0, 4), "[????] 2.0 KiB  0 B/s");
  });

  it("downloads into --to, prints the path, ends the bar at 100%", async () => {
    const { code, out, err } = await run([`${server.url}/file`, "--to", dir]);
    assert.equal(code, 0, err);
    assert.equal(out.trim(), `${dir}/cli.bin`);
    assert.match(err, /100% 293\.0 KiB \/ 293\.0 KiB/);
    assert.equal(readFileSync(`${dir}/cli.bin`).length, 300_000);
  });

  it("exits 1 for a failed download and 2 for bad arguments", async () => {
    const failed = await run([`${server.url}/missing`, "--to", dir]);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /Download interrupted/);
    const bad = await run(["not a url"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Not a URL/);
  });
});
