/**
 * `chrome.tabs.query`/`get`, `runtime.getContexts`/`openOptionsPage`/`getPlatformInfo`,
 * `i18n.getUILanguage`/`getAcceptLanguages`, `storage.<area>.setAccessLevel` and
 * `webRequest.handlerBehaviorChanged`: arguments off the schema throw at the call. Every expected
 * message is the text Chromium 156 (Debian's, 156.0.8078.129) threw for the same call in an MV3
 * extension's service worker (puppeteer-core, `worker.evaluate`).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DefaultSession } from "../../../mod.ts";
import { askChrome, cleanUp, loadWritten } from "./_helpers.ts";

after(cleanUp);

let ses: DefaultSession;
let id: string;
const ask = (call: string, ...args: unknown[]) => askChrome(ses, id, call, ...args);
const thrown = (text: string) => ({ thrown: `TypeError: Error in invocation of ${text}` });
const QUERY = "tabs.query(object queryInfo, optional function callback): ";
const atQueryInfo = (problem: string) =>
  thrown(`${QUERY}Error at parameter 'queryInfo': ${problem}`);
const CONTEXTS = "runtime.getContexts(runtime.ContextFilter filter, optional function callback): ";

before(async () => {
  ({ ses, id } = await loadWritten({
    manifest_version: 3,
    name: "Tabs and runtime arguments",
    version: "1.0",
    permissions: ["storage", "webRequest"],
    host_permissions: ["<all_urls>"],
    background: { service_worker: "worker.js" },
  }));
});

describe("chrome.tabs (Chromium 156's words)", () => {
  it("query: queryInfo against its schema", async () => {
    assert.deepEqual(await ask("tabs.query", null), thrown(`${QUERY}No matching signature.`));
    assert.deepEqual(await ask("tabs.query", 5), thrown(`${QUERY}No matching signature.`));
    assert.deepEqual(
      await ask("tabs.query", { foo: 1 }),
      atQueryInfo("Unexpected property: 'foo'."),
    );
    assert.deepEqual(
      await ask("tabs.query", { selected: true }),
      atQueryInfo("Unexpected property: 'selected'."),
    );
    assert.deepEqual(
      await ask("tabs.query", { active: 1 }),
      atQueryInfo("Error at property 'active': Invalid type: expected boolean, found integer."),
    );
    assert.deepEqual(
      await ask("tabs.query", { status: {} }),
      atQueryInfo(
        "Error at property 'status': Invalid type: expected tabs.TabStatus, found object.",
      ),
    );
    assert.deepEqual(
      await ask("tabs.query", { status: "nope" }),
      atQueryInfo("Error at property 'status': Value must be one of complete, loading, unloaded."),
    );
    assert.deepEqual(
      await ask("tabs.query", { windowType: "nope" }),
      atQueryInfo(
        "Error at property 'windowType': Value must be one of app, custom-tab, devtools, normal, " +
          "panel, popup.",
      ),
    );
    assert.deepEqual(
      await ask("tabs.query", { url: {} }),
      atQueryInfo("Error at property 'url': Invalid type: expected [string|array], found object."),
    );
    assert.deepEqual(
      await ask("tabs.query", { url: [5] }),
      atQueryInfo("Error at property 'url': Value did not match any choice."),
    );
    assert.deepEqual(
      await ask("tabs.query", { splitViewId: 1.5 }),
      atQueryInfo("Error at property 'splitViewId': Invalid type: expected integer, found number."),
    );
    // websession has no tabs: a query that fits the schema finds none
    assert.deepEqual(await ask("tabs.query", { active: true, frozen: false, url: ["*://*/*"] }), {
      value: [],
    });
  });

  it("get: an integer of at least 0", async () => {
    const GET = "tabs.get(integer tabId, optional function callback): ";
    assert.deepEqual(await ask("tabs.get"), thrown(`${GET}No matching signature.`));
    assert.deepEqual(await ask("tabs.get", "x"), thrown(`${GET}No matching signature.`));
    assert.deepEqual(await ask("tabs.get", 1.5), thrown(`${GET}No matching signature.`));
    assert.deepEqual(
      await ask("tabs.get", -1),
      thrown(`${GET}Error at parameter 'tabId': Value must be at least 0.`),
    );
    assert.deepEqual(await ask("tabs.get", 5), { error: "No tab with id: 5." });
  });
});

describe("chrome.tabs' other methods: checked, then no tab is found (Chromium 156's words)", () => {
  const CREATE = "tabs.create(object createProperties, optional function callback): ";
  const UPDATE =
    "tabs.update(optional integer tabId, object updateProperties, optional function callback): ";
  const REMOVE = "tabs.remove([integer|array] tabIds, optional function callback): ";
  const SEND = "tabs.sendMessage(integer tabId, any message, optional object options, optional " +
    "function callback): ";

  it("create and update: their properties against the schema", async () => {
    assert.deepEqual(await ask("tabs.create", null), thrown(`${CREATE}No matching signature.`));
    assert.deepEqual(
      await ask("tabs.create", { url: 5 }),
      thrown(
        `${CREATE}Error at parameter 'createProperties': Error at property 'url': Invalid type: ` +
          "expected string, found integer.",
      ),
    );
    assert.deepEqual(
      await ask("tabs.create", { url: "https://a.example/", index: -1 }),
      thrown(
        `${CREATE}Error at parameter 'createProperties': Error at property 'index': Value must ` +
          "be at least 0.",
      ),
    );
    assert.deepEqual(
      await ask("tabs.create", { muted: true }),
      thrown(`${CREATE}Error at parameter 'createProperties': Unexpected property: 'muted'.`),
    );
    assert.deepEqual(await ask("tabs.update", 1, 5), thrown(`${UPDATE}No matching signature.`));
    assert.deepEqual(
      await ask("tabs.update", -1, {}),
      thrown(`${UPDATE}Error at parameter 'tabId': Value must be at least 0.`),
    );
    assert.deepEqual(
      await ask("tabs.update", 999999, { index: 1 }),
      thrown(`${UPDATE}Error at parameter 'updateProperties': Unexpected property: 'index'.`),
    );
    // websession has no window to open a tab in, and no tabs
    assert.deepEqual(await ask("tabs.create", { url: "https://a.example/" }), {
      error: "No current window",
    });
    assert.deepEqual(await ask("tabs.update", 999999, {}), { error: "No tab with id: 999999." });
    assert.deepEqual(await ask("tabs.update", {}), { error: "No current window" });
  });

  it("remove and sendMessage", async () => {
    assert.deepEqual(await ask("tabs.remove", "x"), thrown(`${REMOVE}No matching signature.`));
    assert.deepEqual(
      await ask("tabs.remove", -1),
      thrown(`${REMOVE}Error at parameter 'tabIds': Value did not match any choice.`),
    );
    assert.deepEqual(await ask("tabs.remove", [999999, 5]), { error: "No tab with id: 999999." });
    assert.deepEqual(await ask("tabs.remove", []), {});
    assert.deepEqual(
      await ask("tabs.sendMessage", "x", {}),
      thrown(`${SEND}No matching signature.`),
    );
    assert.deepEqual(
      await ask("tabs.sendMessage", -1, 1),
      thrown(`${SEND}Error at parameter 'tabId': Value must be at least 0.`),
    );
    assert.deepEqual(
      await ask("tabs.sendMessage", 999999, { a: 1 }, { foo: 1 }),
      thrown(`${SEND}Error at parameter 'options': Unexpected property: 'foo'.`),
    );
    assert.deepEqual(await ask("tabs.sendMessage", 999999, { a: 1 }, { frameId: 0 }), {
      error: "Could not establish connection. Receiving end does not exist.",
    });
  });
});

describe("chrome.runtime, chrome.i18n, storage and webRequest (Chromium 156's words)", () => {
  it("getContexts: the filter against runtime.ContextFilter", async () => {
    assert.deepEqual(
      await ask("runtime.getContexts", { contextTypes: ["NOPE"] }),
      thrown(
        `${CONTEXTS}Error at parameter 'filter': Error at property 'contextTypes': Error at ` +
          "index 0: Value must be one of BACKGROUND, DEVELOPER_TOOLS, OFFSCREEN_DOCUMENT, POPUP, " +
          "SIDE_PANEL, TAB.",
      ),
    );
    assert.deepEqual(
      await ask("runtime.getContexts", { foo: 1 }),
      thrown(`${CONTEXTS}Error at parameter 'filter': Unexpected property: 'foo'.`),
    );
    assert.deepEqual(
      await ask("runtime.getContexts", { tabIds: {} }),
      thrown(
        `${CONTEXTS}Error at parameter 'filter': Error at property 'tabIds': Invalid type: ` +
          "expected array, found object.",
      ),
    );
    assert.equal(
      ((await ask("runtime.getContexts", { contextTypes: ["BACKGROUND"] })).value as unknown[])
        .length,
      1,
    );
  });

  it("the functions whose one parameter is the callback take no other", async () => {
    for (
      const name of [
        "runtime.openOptionsPage",
        "runtime.getPlatformInfo",
        "i18n.getAcceptLanguages",
        "webRequest.handlerBehaviorChanged",
      ]
    ) {
      assert.deepEqual(
        await ask(name, 5),
        thrown(`${name}(optional function callback): No matching signature.`),
      );
    }
    assert.deepEqual(
      await ask("i18n.getUILanguage", null),
      thrown("i18n.getUILanguage(): No matching signature."),
    );
    assert.equal(typeof (await ask("i18n.getUILanguage")).value, "string");
  });

  it("setAccessLevel: accessOptions against its schema, on every area", async () => {
    const SET = "storage.setAccessLevel(object accessOptions, optional function callback): ";
    assert.deepEqual(
      await ask("storage.session.setAccessLevel", null),
      thrown(`${SET}No matching signature.`),
    );
    assert.deepEqual(
      await ask("storage.session.setAccessLevel", {}),
      thrown(`${SET}Error at parameter 'accessOptions': Missing required property 'accessLevel'.`),
    );
    assert.deepEqual(
      await ask("storage.session.setAccessLevel", { accessLevel: "TRUSTED_CONTEXTS", foo: 1 }),
      thrown(`${SET}Error at parameter 'accessOptions': Unexpected property: 'foo'.`),
    );
    assert.deepEqual(
      await ask("storage.local.setAccessLevel", { accessLevel: "TRUSTED_CONTEXTS" }),
      {},
    );
  });
});
