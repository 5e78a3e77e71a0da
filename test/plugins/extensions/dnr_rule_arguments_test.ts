/**
 * Rules off the schema inside `updateDynamicRules`/`updateSessionRules`' `addRules` throw at the
 * call with the words of Chrome's bindings, and nothing changes; a rule that fits the schema but
 * that Chrome's API refuses (`Rule with id 0 ...`) still rejects, as in Chrome. Every expected
 * message is the text Chromium 156 (Debian's, 156.0.8078.129) threw or rejected with for the same
 * call in an MV3 extension's service worker (puppeteer-core, `worker.evaluate`).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { askChrome, callChrome, cleanUp, loadWritten } from "./_helpers.ts";

after(async () => {
  await cleanUp();
});

const at = (method: string, index: number) =>
  `TypeError: Error in invocation of declarativeNetRequest.${method}(declarativeNetRequest.` +
  "UpdateRuleOptions options, optional function callback): Error at parameter 'options': " +
  `Error at property 'addRules': Error at index ${index}: `;
const block = { type: "block" };

describe("declarativeNetRequest rules off the schema (Chromium 156's words)", () => {
  it("throw at the call, naming the rule's index and the property path; nothing changes", async () => {
    const { ses, id } = await loadWritten({
      manifest_version: 3,
      name: "Rule arguments",
      version: "1.0",
      permissions: ["declarativeNetRequest"],
      background: { service_worker: "worker.js" },
    });
    const ask = (call: string, ...args: unknown[]) => askChrome(ses, id, call, ...args);
    const kept = { id: 7, condition: { urlFilter: "kept" }, action: block };
    await callChrome(ses, id, "declarativeNetRequest.updateDynamicRules", { addRules: [kept] });
    const cases: Array<[string, unknown[], string]> = [
      ["updateSessionRules", [{}], "Missing required property 'action'."],
      ["updateSessionRules", [{ id: 1, action: block }], "Missing required property 'condition'."],
      ["updateSessionRules", [{ action: block, condition: {} }], "Missing required property 'id'."],
      [
        "updateDynamicRules",
        [{ id: "1", action: block, condition: {} }],
        "Error at property 'id': Invalid type: expected integer, found string.",
      ],
      [
        "updateDynamicRules",
        [{ id: 1, priority: 2 ** 31, action: block, condition: {} }],
        "Error at property 'priority': Invalid type: expected integer, found number.",
      ],
      [
        "updateDynamicRules",
        [{ id: 1, action: { type: "bogus" }, condition: {} }],
        "Error at property 'action': Error at property 'type': Value must be one of allow, " +
        "allowAllRequests, block, modifyHeaders, redirect, upgradeScheme.",
      ],
      [
        "updateDynamicRules",
        [{ id: 1, action: { type: 3 }, condition: {} }],
        "Error at property 'action': Error at property 'type': Invalid type: expected " +
        "declarativeNetRequest.RuleActionType, found integer.",
      ],
      [
        "updateSessionRules",
        [{ id: 1, action: block, condition: { resourceTypes: ["bogus"] } }],
        "Error at property 'condition': Error at property 'resourceTypes': Error at index 0: " +
        "Value must be one of csp_report, font, image, main_frame, media, object, other, ping, " +
        "script, stylesheet, sub_frame, webbundle, websocket, webtransport, xmlhttprequest.",
      ],
      [
        "updateSessionRules",
        [{ id: 1, action: block, condition: { requestMethods: ["GET"] } }],
        "Error at property 'condition': Error at property 'requestMethods': Error at index 0: " +
        "Value must be one of connect, delete, get, head, options, other, patch, post, put.",
      ],
      [
        "updateSessionRules",
        [{ id: 1, action: block, condition: { bogus: 1 } }],
        "Error at property 'condition': Unexpected property: 'bogus'.",
      ],
      [
        "updateSessionRules",
        [{ id: 1, action: "block", condition: {} }],
        "Error at property 'action': Invalid type: expected declarativeNetRequest.RuleAction, " +
        "found string.",
      ],
      [
        "updateSessionRules",
        [3],
        "Invalid type: expected declarativeNetRequest.Rule, found integer.",
      ],
      [
        "updateDynamicRules",
        [{
          id: 1,
          action: { type: "redirect", redirect: { transform: { queryTransform: 3 } } },
          condition: {},
        }],
        "Error at property 'action': Error at property 'redirect': Error at property 'transform': " +
        "Error at property 'queryTransform': Invalid type: expected " +
        "declarativeNetRequest.QueryTransform, found integer.",
      ],
      [
        "updateDynamicRules",
        [{
          id: 1,
          action: { type: "modifyHeaders", requestHeaders: [{ header: "a", operation: "bogus" }] },
          condition: {},
        }],
        "Error at property 'action': Error at property 'requestHeaders': Error at index 0: " +
        "Error at property 'operation': Value must be one of append, remove, set.",
      ],
      [
        "updateDynamicRules",
        [{ id: 1, action: block, condition: { responseHeaders: [{ values: ["a"] }] } }],
        "Error at property 'condition': Error at property 'responseHeaders': Error at index 0: " +
        "Missing required property 'header'.",
      ],
      [
        "updateDynamicRules",
        [{ id: 1, action: block, condition: { domainType: 3 } }],
        "Error at property 'condition': Error at property 'domainType': Invalid type: expected " +
        "declarativeNetRequest.DomainType, found integer.",
      ],
    ];
    for (const [method, rules, problem] of cases) {
      assert.deepEqual(
        await ask(`declarativeNetRequest.${method}`, { addRules: rules, removeRuleIds: [7] }),
        { thrown: at(method, 0) + problem },
        `${method}(${JSON.stringify(rules)})`,
      );
    }
    // the index of the rule at fault
    assert.deepEqual(
      await ask("declarativeNetRequest.updateSessionRules", {
        addRules: [{ id: 1, action: block, condition: {} }, { id: 2 }],
      }),
      { thrown: at("updateSessionRules", 1) + "Missing required property 'action'." },
    );
    const ids = async (method: string) =>
      ((await callChrome(ses, id, `declarativeNetRequest.${method}`)) as Array<{ id: number }>)
        .map((r) => r.id);
    assert.deepEqual(await ids("getDynamicRules"), [7]);
    assert.deepEqual(await ids("getSessionRules"), []);
    // null properties count as left out, as Chrome's bindings take them
    await callChrome(ses, id, "declarativeNetRequest.updateSessionRules", {
      addRules: [{
        id: 1,
        priority: null,
        action: { type: "block", redirect: null },
        condition: {},
      }],
    });
    assert.deepEqual(await callChrome(ses, id, "declarativeNetRequest.getSessionRules"), [
      { id: 1, action: { type: "block" }, condition: {} },
    ]);
    // what fits the schema but Chrome's API refuses still rejects
    assert.deepEqual(
      await ask("declarativeNetRequest.updateDynamicRules", {
        addRules: [{ id: 0, action: block, condition: {} }],
      }),
      {
        error: "Rule with id 0 has an invalid value for id key. This should be greater than or " +
          "equal to 1.",
      },
    );
  });

  it("match no signature when a parameter is no object or an argument is one too many", async () => {
    const { ses, id } = await loadWritten({
      manifest_version: 3,
      name: "Signatures",
      version: "1.0",
      permissions: ["declarativeNetRequest"],
      background: { service_worker: "worker.js" },
    });
    const ask = (call: string, ...args: unknown[]) =>
      askChrome(ses, id, `declarativeNetRequest.${call}`, ...args);
    const none = (call: string) => ({
      thrown: `TypeError: Error in invocation of declarativeNetRequest.${call}, optional ` +
        "function callback): No matching signature.",
    });
    const update = "updateSessionRules(declarativeNetRequest.UpdateRuleOptions options";
    assert.deepEqual(await ask("updateSessionRules"), none(update));
    assert.deepEqual(await ask("updateSessionRules", 3), none(update));
    assert.deepEqual(await ask("updateSessionRules", []), none(update));
    const rule = { id: 1, condition: {}, action: block };
    assert.deepEqual(await ask("updateSessionRules", { addRules: [rule] }, 3), none(update));
    const filter = "getSessionRules(optional declarativeNetRequest.GetRulesFilter filter";
    assert.deepEqual(await ask("getSessionRules", 3), none(filter));
    assert.deepEqual(
      await ask("isRegexSupported", "x"),
      none("isRegexSupported(declarativeNetRequest.RegexOptions regexOptions"),
    );
    // null for an optional parameter is left out
    assert.deepEqual(await ask("getSessionRules", null), { value: [] });
  });
});
