// `deno task test` must pass on a fresh clone with nothing beside it: only the conformance task
// (conformance/ and scripts/conformance.ts) may read the third-party data outside the repository.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// Spelt in pieces so that this file does not match itself.
const NEEDLES = [["..", "shared"].join("/"), ["shared", "conformance"].join("/")];
const ALLOWED = new Set(["conformance", "scripts/conformance.ts"]);
const SKIPPED_DIRS = new Set([
  "node_modules",
  "dist",
  "coverage",
  ".git",
  ".websession",
  ".scratch",
]);
const SOURCE = /\.(ts|tsx|js|mjs|cjs|json|jsonc|sh|html|css)$/;

/** Every source, test and script file of the repository, relative to its root. */
function sources(dir = root): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (ALLOWED.has(rel) || SKIPPED_DIRS.has(entry.name)) continue;
    if (entry.isDirectory()) found.push(...sources(path));
    else if (SOURCE.test(entry.name) || rel === join(".ci", "run")) found.push(rel);
  }
  return found;
}

describe("the repository is self-contained", () => {
  it("reads the shared conformance data only from the conformance task", () => {
    const files = sources();
    assert.ok(files.includes(join("scripts", "test.ts")) && files.includes(join(".ci", "run")));
    const offenders = files.filter((file) => {
      const text = readFileSync(join(root, file), "utf8");
      return NEEDLES.some((needle) => text.includes(needle));
    });
    assert.deepEqual(offenders, [], `Files referring to ${NEEDLES.join(" or ")}`);
  });
});
