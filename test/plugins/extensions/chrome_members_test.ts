import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { callChrome, cleanUp, fixture, freshSession, loadWritten, RPC_WORKER } from "./_helpers.ts";

after(cleanUp);

/** A fresh session with an MV3 extension whose classic service worker is `source`. */
const serviceWorker = (name: string, source: string) =>
  loadWritten({
    manifest_version: 3,
    name,
    version: "1.0",
    background: { service_worker: "worker.js" },
  }, { "worker.js": source });

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

describe("chrome.runtime's events for other extensions, pages and updates", () => {
  it("are there for a background to listen to at its top level (they never fire here)", async () => {
    const names = "onMessageExternal onConnectExternal onUpdateAvailable onRestartRequired".split(
      " ",
    );
    const listen = names.map((name) => `chrome.runtime.${name}.addListener(() => {});`).join("\n");
    // a background that listens at its top level loads: before, it threw while starting
    const { ses, id } = await serviceWorker("External", `${listen}\n${RPC_WORKER}`);
    for (const name of names) {
      assert.deepEqual(
        await ses.extensions.sendMessage(id, { call: `runtime.${name}.hasListeners` }),
        { value: true },
        name,
      );
    }
  });
});

describe("chrome.runtime.setUninstallURL", () => {
  it("takes an http(s) URL or none, even at the top level, and refuses others as Chrome does", async () => {
    const top = `chrome.runtime.setUninstallURL("https://example.com/bye");\n`;
    const { ses, id } = await serviceWorker("Uninstall", top + RPC_WORKER);
    const set = (url: string) =>
      ses.extensions.sendMessage(id, { call: "runtime.setUninstallURL", args: [url] });
    assert.deepEqual(await set("http://example.com/"), {});
    assert.deepEqual(await set(""), {});
    assert.deepEqual(await set("ftp://example.com/"), {
      error: 'Invalid URL: "ftp://example.com/".',
    });
  });
});

describe("getBackgroundPage", () => {
  // what the background finds: its types, and whether the page handed over is its own global
  const PROBE = `
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message !== "probe") return;
  const types = {
    runtime: typeof chrome.runtime.getBackgroundPage,
    extension: typeof chrome.extension.getBackgroundPage,
  };
  if (types.runtime !== "function") return respond({ types });
  chrome.runtime.getBackgroundPage((page) =>
    respond({ types, own: page === globalThis, sync: chrome.extension.getBackgroundPage() === globalThis })
  );
  return true;
});
`;

  it("is not there in an MV3 service worker (Chrome: foreground only)", async () => {
    const { ses, id } = await serviceWorker("No page", PROBE);
    assert.deepEqual(await ses.extensions.sendMessage(id, "probe"), {
      types: { runtime: "undefined", extension: "undefined" },
    });
  });

  it("hands an MV2 background its own global (its page's window in Chrome)", async () => {
    const { ses, id } = await loadWritten({
      manifest_version: 2,
      name: "Page",
      version: "1.0",
      background: { scripts: ["main.js"] },
    }, { "main.js": PROBE });
    assert.deepEqual(await ses.extensions.sendMessage(id, "probe"), {
      types: { runtime: "function", extension: "function" },
      own: true,
      sync: true,
    });
  });
});
