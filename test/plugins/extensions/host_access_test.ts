import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HostAccess, parseExtensionManifest } from "../../../plugins/extensions/mod.ts";

describe("host permissions", () => {
  it("grant whole origins, with Chrome's host and port rules", () => {
    const access = new HostAccess(["https://*.example.com/only/this/path", "http://127.0.0.1/*"]);
    assert.equal(access.covers("https://example.com/"), true);
    assert.equal(access.covers("https://a.b.example.com/other/path?q"), true);
    assert.equal(access.covers("http://example.com/"), false);
    assert.equal(access.covers("https://example.org/"), false);
    assert.equal(access.covers("http://127.0.0.1:8080/x"), true);
    assert.equal(access.covers("not a url"), false);
    assert.equal(access.coversEveryHost, false);
    assert.deepEqual(access.netHosts().sort(), ["*.example.com", "127.0.0.1", "example.com"]);
  });

  it("cover file:// URLs only with allowFileAccess", () => {
    assert.equal(new HostAccess(["<all_urls>"]).covers("file:///etc/hosts"), false);
    assert.equal(new HostAccess(["<all_urls>"], "x", true).covers("file:///etc/hosts"), true);
    assert.equal(new HostAccess(["<all_urls>"]).coversEveryHost, true);
    assert.deepEqual(new HostAccess(["<all_urls>"]).netHosts(), []);
  });

  it("come from host_permissions in MV3 and from permissions in MV2", () => {
    const mv3 = parseExtensionManifest({
      manifest_version: 3,
      name: "a",
      version: "1",
      permissions: ["storage", "https://ignored.example/*"],
      host_permissions: ["https://kept.example/*"],
    }, "/m.json");
    assert.deepEqual(HostAccess.of(mv3, "/m.json").origins, ["https://kept.example/*"]);
    const mv2 = parseExtensionManifest({
      manifest_version: 2,
      name: "a",
      version: "1",
      permissions: ["storage", "https://kept.example/*", "<all_urls>"],
    }, "/m.json");
    assert.deepEqual(HostAccess.of(mv2, "/m.json").origins, [
      "https://kept.example/*",
      "<all_urls>",
    ]);
  });

  it("reject an invalid pattern, naming the file and field", () => {
    const manifest = parseExtensionManifest({
      manifest_version: 3,
      name: "a",
      version: "1",
      host_permissions: ["https://*foo.example/*"],
    }, "/ext/manifest.json");
    assert.throws(() => HostAccess.of(manifest, "/ext/manifest.json"), {
      name: "TypeError",
      message:
        /^\/ext\/manifest.json: host_permissions: Invalid match pattern "https:\/\/\*foo.example\/\*"/,
    });
  });
});
