/**
 * The callback's place and the declarativeNetRequest methods' options, at the call in the
 * background Worker. Every expected answer is what Chromium 156 (Debian's, 156.0.8078.129) gave
 * for the same call in an MV3 extension's service worker (puppeteer-core, `worker.evaluate`): a
 * `null` or `undefined` where the callback goes is no callback, one argument more is no matching
 * signature, and `chrome.permissions`' own bindings read the argument before any check.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DefaultSession } from "../../../mod.ts";
import { cleanUp, loadWritten } from "./_helpers.ts";

after(cleanUp);

let ses: DefaultSession;
let id: string;
type Answer = { value?: unknown; error?: string; thrown?: string };
/** `chrome.<call>(...args)`, with `undefined` at each index of `undefinedAt`. */
const ask = (call: string, args: unknown[], undefinedAt: number[] = []) =>
  ses.extensions.sendMessage(id, { call, args, undefinedAt }) as Promise<Answer>;
/** A call whose promise resolved with nothing (`RESOLVED` crosses as `{}`). */
const RESOLVED: Answer = {};
const noMatch = (signature: string): Answer => ({
  thrown: `TypeError: Error in invocation of ${signature}: No matching signature.`,
});
const DNR = (method: string, parameter: string) =>
  `declarativeNetRequest.${method}(${parameter}optional function callback)`;
const atOptions = (method: string, type: string, problem: string): Answer => ({
  thrown: `TypeError: Error in invocation of ${
    DNR(method, `declarativeNetRequest.${type} options, `)
  }: Error at parameter 'options': ${problem}`,
});

before(async () => {
  ({ ses, id } = await loadWritten({
    manifest_version: 3,
    name: "Callback place",
    version: "1.0",
    permissions: ["alarms", "cookies", "declarativeNetRequest", "storage", "proxy"],
    optional_permissions: ["tabs"],
    host_permissions: ["<all_urls>"],
    background: { service_worker: "worker.js" },
  }));
});

describe("a null or undefined where the callback goes (Chromium 156)", () => {
  it("is no callback: the call goes on and its promise answers", async () => {
    assert.deepEqual(await ask("permissions.contains", [{ permissions: ["tabs"] }, null]), {
      value: false,
    });
    assert.deepEqual(await ask("cookies.getAll", [{}, null]), { value: [] });
    assert.deepEqual(await ask("storage.local.set", [{ a: 1 }, null]), RESOLVED);
    assert.deepEqual(await ask("storage.local.get", ["a", null]), { value: { a: 1 } });
    assert.deepEqual(await ask("storage.local.get", [null, null]), { value: { a: 1 } });
    assert.deepEqual(await ask("storage.local.remove", ["a", null]), RESOLVED);
    assert.deepEqual(await ask("declarativeNetRequest.getSessionRules", [{}, null]), {
      value: [],
    });
    assert.deepEqual(await ask("declarativeNetRequest.getSessionRules", [null, null]), {
      value: [],
    });
    assert.equal(
      ((await ask("runtime.getPlatformInfo", [null])).value as { os: string }).os,
      "linux",
    );
    assert.deepEqual(await ask("runtime.setUninstallURL", ["https://x.example/", null]), RESOLVED);
    assert.deepEqual(
      await ask("runtime.setUninstallURL", ["https://x.example/", 0], [1]),
      RESOLVED,
    );
  });

  it("is one argument more after the last parameter: no matching signature", async () => {
    assert.deepEqual(
      await ask("permissions.getAll", [null, null]),
      noMatch("permissions.getAll(optional function callback)"),
    );
    assert.deepEqual(
      await ask("runtime.getPlatformInfo", [null, null]),
      noMatch("runtime.getPlatformInfo(optional function callback)"),
    );
    assert.deepEqual(
      await ask("storage.local.clear", [null, null]),
      noMatch("storage.clear(optional function callback)"),
    );
    assert.deepEqual(
      await ask("cookies.getAllCookieStores", [null, null]),
      noMatch("cookies.getAllCookieStores(optional function callback)"),
    );
    assert.deepEqual(
      await ask("permissions.contains", [{ permissions: ["tabs"] }, null, null]),
      noMatch(
        "permissions.contains(permissions.Permissions permissions, optional function callback)",
      ),
    );
    assert.deepEqual(
      await ask("runtime.setUninstallURL", ["https://x.example/", 0, 0], [1, 2]),
      noMatch("runtime.setUninstallURL(string url, optional function callback)"),
    );
  });

  it("alarms: a null name is no name, as an undefined one is", async () => {
    assert.deepEqual(await ask("alarms.create", [null, { delayInMinutes: 1 }]), RESOLVED);
    assert.deepEqual(await ask("alarms.create", ["n", { delayInMinutes: 1 }, null]), RESOLVED);
    const unnamed = await ask("alarms.get", [null]);
    assert.equal((unnamed.value as { name: string }).name, "");
    assert.equal(((await ask("alarms.get", ["n", null])).value as { name: string }).name, "n");
    assert.deepEqual(await ask("alarms.clear", [null, null]), { value: true });
    assert.deepEqual(await ask("alarms.clear", [null]), { value: false });
    assert.deepEqual(
      await ask("alarms.getAll", [null, null]),
      noMatch("alarms.getAll(optional function callback)"),
    );
  });
});

describe("chrome.permissions' own bindings", () => {
  it("read the argument's permissions first: null or undefined is V8's TypeError", async () => {
    for (const op of ["contains", "request", "remove"]) {
      assert.deepEqual(await ask(`permissions.${op}`, [null]), {
        thrown: "TypeError: Cannot read properties of null (reading 'permissions')",
      });
    }
    assert.deepEqual(await ask("permissions.contains", [0], [0]), {
      thrown: "TypeError: Cannot read properties of undefined (reading 'permissions')",
    });
    assert.deepEqual(
      await ask("permissions.contains", []),
      noMatch(
        "permissions.contains(permissions.Permissions permissions, optional function callback)",
      ),
    );
  });
});

describe("declarativeNetRequest's other methods, checked at the call (Chromium 156)", () => {
  it("updateStaticRules and getDisabledRuleIds: no object is no matching signature", async () => {
    const update = DNR(
      "updateStaticRules",
      "declarativeNetRequest.UpdateStaticRulesOptions options, ",
    );
    for (const args of [[null], [], [5], [{ rulesetId: "x" }, 5]]) {
      assert.deepEqual(await ask("declarativeNetRequest.updateStaticRules", args), noMatch(update));
    }
    const disabled = DNR(
      "getDisabledRuleIds",
      "declarativeNetRequest.GetDisabledRuleIdsOptions options, ",
    );
    for (const args of [[null], [], [5]]) {
      assert.deepEqual(
        await ask("declarativeNetRequest.getDisabledRuleIds", args),
        noMatch(disabled),
      );
    }
  });

  it("their options against the schema, before the ruleset is looked up", async () => {
    const call = (method: string, options: unknown) =>
      ask(`declarativeNetRequest.${method}`, [options]);
    assert.deepEqual(
      await call("updateStaticRules", { rulesetId: "x", foo: 1 }),
      atOptions("updateStaticRules", "UpdateStaticRulesOptions", "Unexpected property: 'foo'."),
    );
    assert.deepEqual(
      await call("updateStaticRules", { rulesetId: "x", enableRuleIds: 5 }),
      atOptions(
        "updateStaticRules",
        "UpdateStaticRulesOptions",
        "Error at property 'enableRuleIds': Invalid type: expected array, found integer.",
      ),
    );
    assert.deepEqual(
      await call("updateStaticRules", { rulesetId: "x", enableRuleIds: [1.5] }),
      atOptions(
        "updateStaticRules",
        "UpdateStaticRulesOptions",
        "Error at property 'enableRuleIds': Error at index 0: Invalid type: expected integer, " +
          "found number.",
      ),
    );
    assert.deepEqual(
      await call("getDisabledRuleIds", { rulesetId: "x", foo: 1 }),
      atOptions("getDisabledRuleIds", "GetDisabledRuleIdsOptions", "Unexpected property: 'foo'."),
    );
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "nope" }), {
      error: "Invalid ruleset id: nope.",
    });
  });

  it("updateEnabledRulesets, setExtensionActionOptions and the callback-only methods", async () => {
    const update = DNR(
      "updateEnabledRulesets",
      "declarativeNetRequest.UpdateRulesetOptions options, ",
    );
    assert.deepEqual(
      await ask("declarativeNetRequest.updateEnabledRulesets", [null]),
      noMatch(update),
    );
    assert.deepEqual(
      await ask("declarativeNetRequest.updateEnabledRulesets", [{ foo: 1 }]),
      atOptions("updateEnabledRulesets", "UpdateRulesetOptions", "Unexpected property: 'foo'."),
    );
    assert.deepEqual(
      await ask("declarativeNetRequest.setExtensionActionOptions", [null]),
      noMatch(DNR(
        "setExtensionActionOptions",
        "declarativeNetRequest.ExtensionActionOptions options, ",
      )),
    );
    for (const method of ["getEnabledRulesets", "getAvailableStaticRuleCount"]) {
      assert.deepEqual(
        await ask(`declarativeNetRequest.${method}`, [5]),
        noMatch(DNR(method, "")),
      );
    }
    assert.deepEqual(await ask("declarativeNetRequest.getEnabledRulesets", [null]), { value: [] });
  });
});
