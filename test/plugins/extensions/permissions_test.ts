import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanUp, loadWritten } from "./_helpers.ts";

after(cleanUp);

/** What `chrome.permissions.contains({ origins })` answers for an extension with these hosts. */
async function containsOrigins(granted: string[], asked: string[][]): Promise<unknown[]> {
  const { ses, id } = await loadWritten({
    manifest_version: 3,
    name: "Hosts",
    version: "1.0",
    host_permissions: granted,
    background: { service_worker: "worker.js" },
  });
  const answers = [];
  for (const origins of asked) {
    answers.push(
      await ses.extensions.sendMessage(id, { call: "permissions.contains", args: [{ origins }] }),
    );
  }
  return answers;
}

describe("chrome.permissions.contains({ origins })", () => {
  it("is true for patterns the granted ones cover, as Chrome's pattern sets compare", async () => {
    assert.deepEqual(
      await containsOrigins(["<all_urls>"], [
        ["*://*/*"],
        ["https://example.com/*"],
        ["http://*.example.com/path/*"],
      ]),
      [{ value: true }, { value: true }, { value: true }],
    );
    assert.deepEqual(
      await containsOrigins(["https://*.example.com/*"], [
        ["https://a.example.com/*"],
        ["https://example.com/x/*"],
        ["https://*.a.example.com/*"],
        ["http://a.example.com/*"],
        ["*://*.example.com/*"],
        ["https://*.com/*"],
        ["https://example.org/*"],
        ["https://a.example.com/*", "https://example.org/*"],
      ]),
      [
        { value: true },
        { value: true },
        { value: true },
        { value: false },
        { value: false },
        { value: false },
        { value: false },
        { value: false },
      ],
    );
    assert.deepEqual(
      await containsOrigins(["*://example.com/*"], [["http://example.com/*"], ["*://*/*"]]),
      [{ value: true }, { value: false }],
    );
  });

  it("refuses an origin that is not a match pattern, naming it", async () => {
    const [answer] = await containsOrigins(["<all_urls>"], [["example.com"]]);
    assert.match(
      String((answer as { error?: string }).error),
      /^Invalid value for origin pattern example\.com: /,
    );
  });
});

describe("chrome.permissions.request, remove and unknown names, as Chromium 156 answers", () => {
  it("refuses request (no gesture), required and undeclared removals, and names it does not know", async () => {
    const { ses, id } = await loadWritten({
      manifest_version: 3,
      name: "Optional",
      version: "1.0",
      permissions: ["storage"],
      optional_permissions: ["bookmarks"],
      host_permissions: ["https://a.example/*"],
      optional_host_permissions: ["https://b.example/*"],
      background: { service_worker: "worker.js" },
    });
    const call = (name: string, permissions: object) =>
      ses.extensions.sendMessage(id, { call: `permissions.${name}`, args: [permissions] });
    const gesture = { error: "This function must be called during a user gesture" };
    assert.deepEqual(await call("request", { permissions: ["storage"] }), gesture);
    assert.deepEqual(await call("request", { permissions: ["bookmarks"] }), gesture);
    assert.deepEqual(await call("request", { origins: ["https://b.example/*"] }), gesture);
    const required = { error: "You cannot remove required permissions." };
    const undeclared = { error: "Only permissions specified in the manifest may be requested." };
    assert.deepEqual(await call("remove", { permissions: ["storage"] }), required);
    assert.deepEqual(await call("remove", { origins: ["https://a.example/*"] }), required);
    assert.deepEqual(await call("remove", { permissions: ["history"] }), undeclared);
    assert.deepEqual(await call("remove", { origins: ["https://c.example/*"] }), undeclared);
    assert.deepEqual(await call("remove", { permissions: ["bookmarks"] }), { value: true });
    assert.deepEqual(await call("remove", { origins: ["https://b.example/*"] }), { value: true });
    assert.deepEqual(await call("remove", {}), { value: true });
    assert.deepEqual(await call("contains", { permissions: ["alarms", "wallpaper"] }), {
      value: false,
    });
    assert.deepEqual(await call("contains", { permissions: ["storage", "nonsense"] }), {
      error: "'nonsense' is not a recognized permission.",
    });
    assert.deepEqual(await call("contains", { origins: ["bad"] }), {
      error: "Invalid value for origin pattern bad: Missing scheme separator.",
    });
  });
});
