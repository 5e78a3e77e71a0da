import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { configure, getConfig, Session, session } from "../../mod.ts";

const root = mkdtempSync(`${tmpdir()}/websession-session-`);
configure({ storagePath: root });
after(() => rmSync(root, { recursive: true, force: true }));

describe("session.fromPartition", () => {
  it("returns the same object for the same partition", () => {
    const a = session.fromPartition("persist:same");
    assert.equal(session.fromPartition("persist:same"), a);
    assert.ok(a instanceof Session);
    assert.notEqual(session.fromPartition("persist:other"), a);
  });

  it("makes '' the persistent default session", () => {
    const ses = session.fromPartition("");
    assert.equal(ses, session.defaultSession);
    assert.equal(ses.isPersistent(), true);
    assert.equal(ses.getStoragePath(), `${root}/Default`);
  });

  it("keeps persist: partitions under the storage root, one folder each", () => {
    const a = session.fromPartition("persist:work");
    const b = session.fromPartition("persist:play");
    assert.equal(a.isPersistent(), true);
    assert.equal(a.storagePath, `${root}/Partitions/work`);
    assert.equal(a.getStoragePath(), a.storagePath);
    assert.notEqual(a.storagePath, b.storagePath);
  });

  it("keeps any other partition in memory with a null storage path", () => {
    const ses = session.fromPartition("scratch");
    assert.equal(ses.isPersistent(), false);
    assert.equal(ses.getStoragePath(), null);
    assert.equal(ses.storagePath, null);
  });

  it("rejects a partition that is not a string with a TypeError saying so", () => {
    for (const bad of [1, null, undefined, {}, ["a"]]) {
      assert.throws(
        () => session.fromPartition(bad as never),
        (error: Error) =>
          error instanceof TypeError && /partition must be a string/.test(error.message),
      );
    }
  });

  it("rejects different options for an existing partition", () => {
    session.fromPartition("opts", { cache: true });
    assert.equal(session.fromPartition("opts", { cache: true }).cache, true);
    assert.throws(
      () => session.fromPartition("opts", { cache: false }),
      (error: Error) => error instanceof TypeError && /already exists/.test(error.message),
    );
  });

  it("rejects unknown options, a bad cache flag and a nameless persist:", () => {
    assert.throws(
      () => session.fromPartition("o1", { colour: 1 } as never),
      /unknown option "colour"/,
    );
    assert.throws(
      () => session.fromPartition("o2", { cache: "yes" } as never),
      /cache must be a boolean/,
    );
    assert.throws(() => session.fromPartition("persist:"), /needs a name/);
  });

  it("forgets a closed partition so that the next call makes a new session", async () => {
    const first = session.fromPartition("persist:reopen");
    await session.closePartition("persist:reopen");
    const second = session.fromPartition("persist:reopen");
    assert.notEqual(second, first);
    await session.closePartition("persist:reopen");
  });
});

describe("configure", () => {
  it("refuses to move the storage root once a persistent session exists", () => {
    session.fromPartition("persist:pin");
    assert.throws(() => configure({ storagePath: `${root}-elsewhere` }), /cannot change/);
    assert.equal(getConfig().storagePath, root);
  });

  it("rejects unknown keys and bad values", () => {
    assert.throws(() => configure({ nope: 1 } as never), /unknown option "nope"/);
    assert.throws(() => configure({ storagePath: "" }), /non-empty string/);
  });

  it("takes the storage root from WEBSESSION_HOME, else .websession in the working directory", () => {
    const script = `import { session } from ${
      JSON.stringify(new URL("../../mod.ts", import.meta.url).href)
    };
      console.log(session.fromPartition("persist:env").getStoragePath());`;
    const run = (env: Record<string, string>) => {
      const isBun = "Bun" in globalThis;
      const config = new URL("../../deno.json", import.meta.url).pathname;
      const args = isBun ? ["-e", script] : ["eval", "--config", config, script];
      const result = spawnSync(process.execPath, args, {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.trim();
    };
    assert.equal(run({ WEBSESSION_HOME: `${root}/home` }), `${root}/home/Partitions/env`);
    assert.equal(run({ WEBSESSION_HOME: "" }), `${root}/.websession/Partitions/env`);
  });
});
