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
