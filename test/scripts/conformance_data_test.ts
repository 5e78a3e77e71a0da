import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conformanceDir, conformancePath, missingConformance } from "../../conformance/_data.ts";
import process from "node:process";

const saved = process.env.WEBSESSION_CONFORMANCE;
afterEach(() => {
  if (saved === undefined) delete process.env.WEBSESSION_CONFORMANCE;
  else process.env.WEBSESSION_CONFORMANCE = saved;
});

describe("where deno task conformance looks for its data", () => {
  it("takes WEBSESSION_CONFORMANCE, relative to the folder the task started in", () => {
    process.env.WEBSESSION_CONFORMANCE = "suites";
    assert.equal(conformanceDir("/somewhere"), "/somewhere/suites");
    process.env.WEBSESSION_CONFORMANCE = "/data/suites";
    assert.equal(conformanceDir("/somewhere"), "/data/suites");
  });

  it("else the folder beside the repository", () => {
    delete process.env.WEBSESSION_CONFORMANCE;
    const repo = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
    assert.equal(conformanceDir(), join(repo, "..", "shared", "conformance"));
  });

  it("says in one line where it looked when the folder is absent", () => {
    const dir = mkdtempSync(join(tmpdir(), "websession-conformance-"));
    try {
      assert.equal(missingConformance(dir), null);
      process.env.WEBSESSION_CONFORMANCE = join(dir, "absent");
      assert.equal(
        missingConformance(join(dir, "absent")),
        `No conformance data at ${join(dir, "absent")}: ` +
          "WEBSESSION_CONFORMANCE names a folder that does not exist",
      );
      assert.throws(
        () => conformancePath("cookies/wpt-cookies.json"),
        /^Error: No conformance data at /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
