/**
 * `chrome.alarms` and `chrome.runtime` members as Chromium 156 answers a background (checked with
 * puppeteer-core against Debian's Chromium): calls off the schema throw at the call in Chrome's
 * words, an alarm without a time is refused, `getContexts` describes the background,
 * `openOptionsPage` has no tab to open, and a predefined i18n message needs a localized extension.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanUp, loadWritten } from "./_helpers.ts";

after(cleanUp);

async function extension(extra: Record<string, unknown> = {}) {
  const { ses, id } = await loadWritten({
    manifest_version: 3,
    name: "Parity",
    version: "1.0",
    permissions: ["alarms"],
    background: { service_worker: "worker.js" },
    ...extra,
  });
  const ask = (call: string, ...args: unknown[]) =>
    ses.extensions.sendMessage(id, { call, args }) as Promise<
      { value?: unknown; error?: string; thrown?: string }
    >;
  return { id, ask };
}

const createSignature = "alarms.create(optional string name, alarms.AlarmCreateInfo alarmInfo, " +
  "optional function callback)";

describe("chrome.alarms", () => {
  it("gives Chrome's Alarm shape and refuses an alarm without a time", async () => {
    const { ask } = await extension();
    await ask("alarms.create", "a", { delayInMinutes: 1 });
    const { value } = await ask("alarms.get", "a");
    assert.deepEqual(Object.keys(value as object).sort(), [
      "name",
      "persistAcrossSessions",
      "scheduledTime",
    ]);
    assert.deepEqual(await ask("alarms.create", "e", {}), {
      error: "Must set at least one of when, delayInMinutes, or periodInMinutes.",
    });
  });

  it("throws at the call for arguments off the schema", async () => {
    const { ask } = await extension();
    assert.deepEqual(await ask("alarms.create", 3, { delayInMinutes: 1 }), {
      thrown: `TypeError: Error in invocation of ${createSignature}: No matching signature.`,
    });
    assert.deepEqual(await ask("alarms.create", "y", { delayInMinutes: 1, bogus: 1 }), {
      thrown: `TypeError: Error in invocation of ${createSignature}: Error at parameter ` +
        "'alarmInfo': Unexpected property: 'bogus'.",
    });
    assert.deepEqual(await ask("alarms.create", "d", { delayInMinutes: "x" }), {
      thrown: `TypeError: Error in invocation of ${createSignature}: Error at parameter ` +
        "'alarmInfo': Error at property 'delayInMinutes': Invalid type: expected number, found " +
        "string.",
    });
    for (const name of ["get", "clear"]) {
      assert.deepEqual(await ask(`alarms.${name}`, 3), {
        thrown: `TypeError: Error in invocation of alarms.${name}(optional string name, optional ` +
          "function callback): No matching signature.",
      });
    }
  });
});

describe("chrome.runtime", () => {
  it("getContexts describes the background, the one context there is", async () => {
    const { ask } = await extension();
    const { value } = await ask("runtime.getContexts", {});
    const [context] = value as Array<Record<string, unknown>>;
    assert.match(String(context.contextId), /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...context, contextId: "x" }, {
      contextId: "x",
      contextType: "BACKGROUND",
      frameId: -1,
      incognito: false,
      tabId: -1,
      windowId: -1,
    });
    assert.deepEqual(await ask("runtime.getContexts", { contextTypes: ["TAB"] }), { value: [] });
    assert.deepEqual(await ask("runtime.getContexts"), {
      thrown: "TypeError: Error in invocation of runtime.getContexts(runtime.ContextFilter " +
        "filter, optional function callback): No matching signature.",
    });
  });

  it("openOptionsPage has no tab to open; setUninstallURL takes at most 1023 characters", async () => {
    const { ask } = await extension();
    assert.deepEqual(await ask("runtime.openOptionsPage"), {
      error: "Could not create an options page.",
    });
    const long = `https://example.com/${"x".repeat(1100)}`;
    assert.deepEqual(await ask("runtime.setUninstallURL", long), {
      thrown: "TypeError: Error in invocation of runtime.setUninstallURL(string url, optional " +
        "function callback): Error at parameter 'url': String must have at most 1023 " +
        `characters; found ${long.length}.`,
    });
  });

  it("answers '' for @@ui_locale and @@bidi_* of an extension that is not localized", async () => {
    const { id, ask } = await extension();
    for (const name of ["@@ui_locale", "@@bidi_dir", "@@bidi_start_edge"]) {
      assert.deepEqual(await ask("i18n.getMessage", name), { value: "" }, name);
    }
    assert.deepEqual(await ask("i18n.getMessage", "@@extension_id"), { value: id });
  });
});
