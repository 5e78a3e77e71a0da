import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";

const kernel = new URL("../../kernel/", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = `${dir}${name}`;
    return statSync(path).isDirectory() ? files(`${path}/`) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the kernel", () => {
  it("imports nothing runtime-specific and calls no runtime namespace", () => {
    const offenders: string[] = [];
    for (const file of files(kernel)) {
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      const imports = [...code.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) =>
        m[1]
      );
      for (const specifier of imports) {
        const local = specifier.startsWith(".");
        const allowed = local ||
          ["valibot", "devtools-protocol", "jose", "@noble/hashes", "es-module-lexer"].some((p) =>
            specifier.startsWith(p)
          );
        if (!allowed) offenders.push(`${file}: imports ${specifier}`);
        if (local && /\/adapters\//.test(specifier)) {
          offenders.push(`${file}: imports ${specifier}`);
        }
      }
      for (const global of ["Deno.", "Bun.", "process.", "require("]) {
        if (code.includes(global)) offenders.push(`${file}: uses ${global}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
