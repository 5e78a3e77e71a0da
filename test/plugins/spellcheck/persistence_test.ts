/**
 * The custom dictionary and the settings of a persist: partition survive a restart of the
 * process (each step runs in a process of its own against the same storage folder).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";

const child = new URL("./_persist_child.ts", import.meta.url).pathname;
const isBun = (globalThis as { Bun?: unknown }).Bun !== undefined;

function run(args: string[]): Promise<unknown> {
  const cmd = isBun ? process.execPath : (globalThis as unknown as {
    Deno: { execPath(): string };
  }).Deno.execPath();
  const full = isBun ? [child, ...args] : ["run", "-A", "--no-check", child, ...args];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, full, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    // A stuck child is killed; `read` builds the German and French dictionaries, about 13 s of
    // CPU, which on a loaded 2-core machine has taken more than 60 s.
    const timer = setTimeout(() => proc.kill("SIGKILL"), 300_000);
    proc.stdout.on("data", (chunk) => out += chunk);
    proc.on("error", reject);
    proc.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${args[0]} exited with ${code}: ${out}`));
      else resolve(JSON.parse(out));
    });
  });
}

const roots: string[] = [];
after(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe("spellcheck data of persist: partitions", () => {
  it("custom words, languages and the enabled flag survive a restart of the process", async () => {
    const root = mkdtempSync(`${tmpdir()}/websession-spellcheck-`);
    roots.push(root);
    assert.deepEqual(await run(["add", root, "Zorblax", "Quuxwort", "Zorblax"]), {
      added: [true, true, false],
    });
    assert.deepEqual(await run(["read", root]), {
      words: ["Quuxwort", "Zorblax"],
      languages: ["de", "fr"],
      enabled: false,
      misspelled: [],
    });
    assert.deepEqual(await run(["remove", root, "Quuxwort", "Nichtda"]), {
      removed: [true, false],
    });
    assert.deepEqual(await run(["read", root]), {
      words: ["Zorblax"],
      languages: ["de", "fr"],
      enabled: true,
      misspelled: ["Quuxwort"],
    });
  });
});
