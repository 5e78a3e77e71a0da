import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { callChrome, closeSessions, fixture, freshSession } from "./_helpers.ts";

after(closeSessions);

describe("chrome.management.getSelf", () => {
  it("describes the calling extension as Chrome's ExtensionInfo (an unpacked one: development)", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    const info = await callChrome(ses, ext.id, "management.getSelf") as Record<string, unknown>;
    assert.equal(info.id, ext.id);
    assert.equal(info.name, ext.name);
    assert.equal(info.shortName, ext.name);
    assert.equal(info.version, "1.2.3");
    assert.equal(info.description, ext.manifest.description);
    assert.equal(info.enabled, true);
    assert.equal(info.type, "extension");
    assert.equal(info.installType, "development");
    assert.equal(info.isApp, false);
    assert.deepEqual(info.permissions, ["webRequest", "webRequestBlocking", "storage", "alarms"]);
    assert.deepEqual(info.hostPermissions, ["http://127.0.0.1/*"]);
  });
});

describe("chrome.runtime events", () => {
  it("has onSuspend and onSuspendCanceled, events a listener can be added to", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_listener"));
    for (const name of ["onSuspend", "onSuspendCanceled"]) {
      assert.equal(await callChrome(ses, ext.id, `runtime.${name}.hasListeners`), false, name);
    }
  });
});
