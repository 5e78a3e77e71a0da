import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, realpathSync } from "node:fs";
import { extensionId, parseExtensionManifest } from "../../../plugins/extensions/mod.ts";
import { fixture } from "./_helpers.ts";

/** Chromium's algorithm written out with Web Crypto: SHA-256, first 16 bytes, hex digits as a-p. */
async function chromiumId(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 16)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .replace(/[0-9a-f]/g, (c) => String.fromCharCode(97 + parseInt(c, 16)));
}

describe("extension ids", () => {
  it("derives the id from the manifest's key as Chromium does", async () => {
    const manifest = JSON.parse(readFileSync(`${fixture("keyed")}/manifest.json`, "utf8"));
    const id = extensionId({ key: manifest.key, path: "/anywhere" });
    // computed when the fixture was made: openssl's DER public key | sha256sum | head -c32 | tr 0-9a-f a-p
    assert.equal(id, "ajgipoffeaaceelbnjbfhngkadfidmao");
    const der = Uint8Array.from(atob(manifest.key), (c) => c.charCodeAt(0));
    assert.equal(id, await chromiumId(der));
  });

  it("derives the id from the absolute path when there is no key, stable across calls", async () => {
    const path = realpathSync(fixture("mv3_listener"));
    const id = extensionId({ path });
    assert.match(id, /^[a-p]{32}$/);
    assert.equal(id, await chromiumId(new TextEncoder().encode(path)));
    assert.equal(extensionId({ path }), id);
    assert.notEqual(extensionId({ path: `${path}/` }), id);
    assert.equal(
      extensionId({ path: "C:\\Ext\\One", windows: true }),
      extensionId({ path: "c:\\ext\\one", windows: true }),
    );
  });

  it("rejects a key that is not base64, naming the field", () => {
    assert.throws(() => extensionId({ key: "not base64!!", path: "/x" }), {
      name: "TypeError",
      message: 'manifest.json: "key" is not valid base64',
    });
  });
});

describe("extension manifests", () => {
  const file = "/ext/manifest.json";
  it("accepts MV2 and MV3 and keeps unknown keys", () => {
    const m = parseExtensionManifest(
      { manifest_version: 3, name: "a", version: "1.0.0.65535", future_key: { x: 1 } },
      file,
    );
    assert.deepEqual(m.future_key, { x: 1 });
    assert.equal(
      parseExtensionManifest({ manifest_version: 2, name: "b", version: "1" }, file).name,
      "b",
    );
  });

  it("rejects a bad manifest with the file and the field", () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { manifest_version: 4, name: "a", version: "1" },
        /^\/ext\/manifest.json: manifest_version: /,
      ],
      [{ manifest_version: 3, version: "1" }, /: name: /],
      [{ manifest_version: 3, name: "a", version: "1.x" }, /: version: must be 1 to 4/],
      [{ manifest_version: 3, name: "a", version: "1.2.3.4.5" }, /: version: /],
      [{ manifest_version: 3, name: "a", version: "70000" }, /: version: parts must be at most/],
      [{ manifest_version: 3, name: "a", version: "1", permissions: "storage" }, /: permissions: /],
      [
        { manifest_version: 3, name: "a", version: "1", background: { scripts: ["a.js"] } },
        /: background: manifest version 3 needs background.service_worker/,
      ],
      [
        { manifest_version: 2, name: "a", version: "1", background: { service_worker: "a.js" } },
        /: background.service_worker: requires manifest version 3/,
      ],
      [
        {
          manifest_version: 3,
          name: "a",
          version: "1",
          declarative_net_request: {
            rule_resources: [{ id: "_x", enabled: true, path: "r.json" }],
          },
        },
        /: declarative_net_request.rule_resources.0.id: must not start with _/,
      ],
      [
        {
          manifest_version: 3,
          name: "a",
          version: "1",
          declarative_net_request: {
            rule_resources: [
              { id: "r", enabled: true, path: "r.json" },
              { id: "r", enabled: false, path: "s.json" },
            ],
          },
        },
        /ruleset id "r" is used twice/,
      ],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseExtensionManifest(input, file), { name: "TypeError", message });
    }
  });
});
