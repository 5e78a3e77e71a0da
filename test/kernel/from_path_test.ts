import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../mod.ts";

const root = mkdtempSync(`${tmpdir()}/websession-from-path-`);
after(() => rmSync(root, { recursive: true, force: true }));

describe("session.fromPath (Electron's)", () => {
  it("keeps the session's data in the folder given, and returns it again for that path", async () => {
    const folder = `${root}/profile-a`;
    const ses = session.fromPath(folder);
    assert.equal(session.fromPath(folder), ses);
    assert.equal(session.fromPath(`${folder}/`), ses, "a trailing separator names the same folder");
    assert.equal(ses.isPersistent(), true);
    assert.equal(ses.getStoragePath(), folder);
    assert.equal(ses.storagePath, folder);
    await ses.cookies.set({
      url: "http://example.test/",
      name: "kept",
      value: "1",
      expirationDate: Date.now() / 1000 + 600,
    });
    await ses.flushStorageData();
    assert.ok(existsSync(`${folder}/websession.db`), "the store is a file in that folder");
    await ses.close();
    const again = session.fromPath(folder);
    assert.notEqual(again, ses, "a closed path session is forgotten");
    const cookies = await again.cookies.get({ name: "kept" });
    assert.deepEqual(cookies.map((c) => c.value), ["1"]);
    await again.close();
  });

  it("is apart from the partition of the same name", async () => {
    const folder = `${root}/profile-b`;
    const byPath = session.fromPath(folder);
    const byName = session.fromPartition(folder);
    assert.notEqual(byPath, byName);
    assert.equal(byName.isPersistent(), false);
    await byPath.close();
    await session.closePartition(folder);
  });

  it("refuses an empty or relative path with Electron's words, and a non-string", () => {
    assert.throws(() => session.fromPath(""), {
      name: "TypeError",
      message: /An empty path was specified/,
    });
    for (const path of ["relative/dir", "./here", "profile"]) {
      assert.throws(() => session.fromPath(path), {
        name: "TypeError",
        message: /An absolute path was not provided/,
      });
    }
    assert.throws(
      () => session.fromPath(42 as unknown as string),
      /path must be a string, got number/,
    );
  });

  it("takes fromPartition's options when it makes the session, and refuses new ones after", async () => {
    const folder = `${root}/profile-c`;
    const ses = session.fromPath(folder, { cache: false, preset: false });
    assert.equal(ses.cache, false);
    assert.equal(ses.plugins.list().length, 0);
    assert.throws(() => session.fromPath(folder, { cache: true }), /already exists/);
    assert.throws(
      () => session.fromPath(`${root}/profile-d`, { bogus: 1 } as never),
      /unknown option "bogus"/,
    );
    await ses.close();
  });
});

describe("closing a session", () => {
  it("forgets it in its partition: fromPartition makes a new one", async () => {
    const ses = session.fromPartition("closed-then-new");
    await ses.close();
    const next = session.fromPartition("closed-then-new");
    assert.notEqual(next, ses);
    await session.closePartition("closed-then-new");
    assert.ok(!session.partitions().includes("closed-then-new"));
  });
});
