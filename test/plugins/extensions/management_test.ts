import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DefaultSession } from "../../../mod.ts";
import { cleanUp, freshSession, writeExtension } from "./_helpers.ts";

after(cleanUp);

const worker = { service_worker: "worker.js" };

/** An extension with "management", and a second one it can look at. */
async function twoExtensions(): Promise<{ ses: DefaultSession; manager: string; other: string }> {
  const { ses } = await freshSession();
  const manager = await ses.loadExtension(
    await writeExtension({
      manifest_version: 3,
      name: "Manager",
      version: "1.0",
      permissions: ["management", "storage"],
      background: worker,
    }),
  );
  const other = await ses.loadExtension(
    await writeExtension({
      manifest_version: 3,
      name: "Other",
      short_name: "Oth",
      description: "looked at",
      version: "2.5",
      permissions: ["declarativeNetRequest", "tabs"],
      host_permissions: ["https://example.com/*"],
      background: worker,
    }),
  );
  return { ses, manager: manager.id, other: other.id };
}

type Answer = { value?: unknown; error?: string; thrown?: string; lastError?: string | null };
const ask = (ses: DefaultSession, id: string, message: Record<string, unknown>) =>
  ses.extensions.sendMessage(id, message) as Promise<Answer>;

describe("chrome.management.get and getAll", () => {
  it("answer the session's extensions as ExtensionInfo, the same shape as getSelf", async () => {
    const { ses, manager, other } = await twoExtensions();
    const self = (await ask(ses, manager, { call: "management.getSelf" })).value;
    const all = (await ask(ses, manager, { call: "management.getAll" })).value as Array<
      { id: string }
    >;
    assert.deepEqual(all.map((info) => info.id).sort(), [manager, other].sort());
    assert.deepEqual(all.find((info) => info.id === manager), self);
    const info = (await ask(ses, manager, { call: "management.get", args: [other] })).value;
    assert.deepEqual(info, all.find((i) => i.id === other));
    assert.deepEqual(info, {
      id: other,
      name: "Other",
      shortName: "Oth",
      description: "looked at",
      version: "2.5",
      mayDisable: true,
      enabled: true,
      type: "extension",
      installType: "development",
      isApp: false,
      offlineEnabled: false,
      optionsUrl: "",
      // Chromium 156 gives both, "" when the manifest has none
      homepageUrl: "",
      versionName: "",
      permissions: ["declarativeNetRequest", "tabs"],
      hostPermissions: ["https://example.com/*"],
    });
    // the callback form hands the same value
    assert.deepEqual(await ask(ses, manager, { callback: "management.get", args: [other] }), {
      value: info,
      lastError: null,
    });
  });

  it("reject an unknown id with Chrome's error (lastError in the callback form)", async () => {
    const { ses, manager } = await twoExtensions();
    const unknown = "a".repeat(32);
    assert.deepEqual(await ask(ses, manager, { call: "management.get", args: [unknown] }), {
      error: `Failed to find extension with id ${unknown}.`,
    });
    assert.deepEqual(await ask(ses, manager, { callback: "management.get", args: [unknown] }), {
      // the callback had no value: JSON leaves the key out
      lastError: `Failed to find extension with id ${unknown}.`,
    });
    assert.deepEqual(await ask(ses, manager, { call: "management.get", args: [42] }), {
      thrown: "TypeError: Error in invocation of management.get(string id, " +
        "optional function callback): No matching signature.",
    });
  });

  it("are there only with the management permission, as in Chrome", async () => {
    const { ses, other } = await twoExtensions();
    for (const name of ["get", "getAll", "getPermissionWarningsById"]) {
      const answer = await ask(ses, other, { call: `management.${name}`, args: [other] });
      assert.match(String(answer.thrown), /is not a function/, name);
    }
    // getSelf and getPermissionWarningsByManifest need no permission
    const warnings = await ask(ses, other, {
      call: "management.getPermissionWarningsByManifest",
      args: [JSON.stringify({ manifest_version: 3, name: "x", version: "1", permissions: [] })],
    });
    assert.deepEqual(warnings, { value: [] });
  });
});

describe("chrome.management.getPermissionWarningsBy*", () => {
  const byManifest = async (manifest: unknown) => {
    const { ses, manager } = await twoExtensions();
    const text = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
    return await ask(ses, manager, {
      call: "management.getPermissionWarningsByManifest",
      args: [text],
    });
  };
  const base = { manifest_version: 3, name: "x", version: "1" };

  it("gives Chrome's warnings for an extension's permissions and hosts", async () => {
    const { ses, manager, other } = await twoExtensions();
    assert.deepEqual(
      await ask(ses, manager, { call: "management.getPermissionWarningsById", args: [other] }),
      {
        value: [
          "Read and change your data on example.com",
          "Read your browsing history",
          "Block content on any page",
        ],
      },
    );
    // storage has no warning; management has one
    assert.deepEqual(
      await ask(ses, manager, {
        callback: "management.getPermissionWarningsById",
        args: [manager],
      }),
      { value: ["Manage your apps, extensions, and themes"], lastError: null },
    );
  });

  it("says all websites for <all_urls> (and the browsing history warning is then left out)", async () => {
    assert.deepEqual(
      await byManifest({ ...base, permissions: ["tabs"], host_permissions: ["<all_urls>"] }),
      { value: ["Read and change all your data on all websites"] },
    );
    // proxy settings give away every request: Chrome warns as for every host
    assert.deepEqual(await byManifest({ ...base, permissions: ["proxy", "storage"] }), {
      value: ["Read and change all your data on all websites"],
    });
  });

  it("lists two or three hosts, wildcard subdomains as 'all x sites', and more as a number", async () => {
    assert.deepEqual(
      await byManifest({
        ...base,
        manifest_version: 2,
        permissions: ["http://b.test/*", "https://*.a.test/x"],
      }),
      { value: ["Read and change your data on all a.test sites and b.test"] },
    );
    assert.deepEqual(
      await byManifest({
        ...base,
        host_permissions: ["http://c.test/*", "http://a.test/*", "https://b.test/*"],
      }),
      { value: ["Read and change your data on a.test, b.test, and c.test"] },
    );
    assert.deepEqual(
      await byManifest({
        ...base,
        host_permissions: [
          "http://a.test/*",
          "http://b.test/*",
          "http://c.test/*",
          "http://d.test/*",
        ],
      }),
      { value: ["Read and change your data on a number of websites"] },
    );
  });

  it("refuses a manifest that is not JSON, or not an extension's, with Chrome's errors", async () => {
    assert.deepEqual(await byManifest("{not json"), { error: "Failed to parse manifest." });
    assert.deepEqual(await byManifest({ manifest_version: 3, version: "1" }), {
      error: "Failed to create extension from manifest.",
    });
    const { ses, manager } = await twoExtensions();
    assert.deepEqual(
      await ask(ses, manager, {
        callback: "management.getPermissionWarningsByManifest",
        args: ["[]"],
      }),
      { lastError: "Failed to parse manifest." },
    );
    assert.deepEqual(
      await ask(ses, manager, { call: "management.getPermissionWarningsByManifest", args: [{}] }),
      {
        thrown: "TypeError: Error in invocation of management.getPermissionWarningsByManifest(" +
          "string manifestStr, optional function callback): No matching signature.",
      },
    );
    const unknown = "b".repeat(32);
    assert.deepEqual(
      await ask(ses, manager, { call: "management.getPermissionWarningsById", args: [unknown] }),
      { error: `Failed to find extension with id ${unknown}.` },
    );
  });
});
