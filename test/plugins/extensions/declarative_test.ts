import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { configure, session } from "../../../mod.ts";
import type { TestServer } from "../../_serve.ts";
import {
  askChrome,
  callChrome,
  closeSessions,
  echoed,
  echoServer,
  fixture,
  freshSession,
  loadWritten,
  removeWrittenExtensions,
  until,
} from "./_helpers.ts";

let server: TestServer;
// Bun runs every test file in one process: when another file already made a persistent session,
// the storage root cannot change any more, and that root serves as well.
let root: string | null = mkdtempSync(`${tmpdir()}/websession-extensions-`);
try {
  configure({ storagePath: root });
} catch {
  rmSync(root, { recursive: true, force: true });
  root = null;
}
before(async () => {
  server = await echoServer();
});
after(async () => {
  await closeSessions();
  await removeWrittenExtensions();
  await server.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("an extension's declarativeNetRequest", () => {
  it("applies the enabled static rulesets of the manifest, reporting the rules it skips", async () => {
    const { ses, errors } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_rules"));
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /rules\/ads\.json: 1 rule\(s\) ignored/);
    await assert.rejects(ses.fetch(`${server.url}/ads/banner.js`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    // the allow rule has the higher priority
    assert.equal((await echoed(ses, `${server.url}/ads/allowed`)).path, "/ads/allowed");
    assert.equal((await echoed(ses, `${server.url}/moved`)).path, "/target");
    assert.equal((await echoed(ses, `${server.url}/other`)).path, "/other");
    assert.deepEqual(await callChrome(ses, ext.id, "declarativeNetRequest.getEnabledRulesets"), [
      "ads",
    ]);
  });

  it("enables and disables rulesets, and reports matches (getMatchedRules, onRuleMatchedDebug)", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_rules"));
    const since = Date.now();
    assert.equal((await echoed(ses, `${server.url}/echo`)).headers["x-static-rule"], undefined);
    await callChrome(ses, ext.id, "declarativeNetRequest.updateEnabledRulesets", {
      enableRulesetIds: ["headers"],
      disableRulesetIds: ["ads"],
    });
    assert.deepEqual(
      await callChrome(ses, ext.id, "declarativeNetRequest.getEnabledRulesets"),
      ["headers"],
    );
    assert.equal(
      (await echoed(ses, `${server.url}/echo`)).headers["x-static-rule"],
      "headers-ruleset",
    );
    assert.equal((await echoed(ses, `${server.url}/ads/x`)).path, "/ads/x");
    await assert.rejects(
      callChrome(ses, ext.id, "declarativeNetRequest.updateEnabledRulesets", {
        enableRulesetIds: ["nope"],
      }),
      { message: "Invalid ruleset id: nope." },
    );
    const matched = await callChrome(ses, ext.id, "declarativeNetRequest.getMatchedRules", {
      minTimeStamp: since,
    }) as { rulesMatchedInfo: Array<{ rule: unknown; tabId: number; timeStamp: number }> };
    assert.deepEqual(matched.rulesMatchedInfo.map((m) => [m.rule, m.tabId]), [
      [{ ruleId: 1, rulesetId: "headers" }, -1],
    ]);
    const debug = await until(async () => {
      const d = await ses.extensions.sendMessage(ext.id, "debugMatches") as unknown[];
      return d.length > 0 ? d : null;
    });
    // no frame nor tab: Chrome's -1 (ExtensionApiFrameIdMap's invalid frame id)
    assert.deepEqual(debug, [{
      url: `${server.url}/echo`,
      frameId: -1,
      parentFrameId: -1,
      tabId: -1,
      rule: { ruleId: 1, rulesetId: "headers" },
    }]);
  });

  it("keeps dynamic rules and enabled rulesets in the partition's store; session rules do not last", async () => {
    const partition = `persist:extensions-dnr-${Date.now()}`;
    let { ses } = await freshSession(partition);
    let ext = await ses.loadExtension(fixture("mv3_rules"));
    await callChrome(ses, ext.id, "declarativeNetRequest.updateDynamicRules", {
      addRules: [{ id: 10, condition: { urlFilter: "/dynamic-block" }, action: { type: "block" } }],
    });
    await callChrome(ses, ext.id, "declarativeNetRequest.updateSessionRules", {
      addRules: [{ id: 20, condition: { urlFilter: "/session-block" }, action: { type: "block" } }],
    });
    await callChrome(ses, ext.id, "declarativeNetRequest.updateEnabledRulesets", {
      disableRulesetIds: ["ads"],
    });
    await assert.rejects(ses.fetch(`${server.url}/dynamic-block`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    await assert.rejects(ses.fetch(`${server.url}/session-block`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    // a bad rule is refused (thrown at the call; the fixture's rpc.js answers it as an error) with
    // its index and property, in Chrome's words; nothing changes
    await assert.rejects(
      callChrome(ses, ext.id, "declarativeNetRequest.updateDynamicRules", {
        addRules: [{ id: 11, condition: {}, action: { type: "jump" } }],
      }),
      /Error at index 0: Error at property 'action': Error at property 'type': Value must be one of/,
    );
    assert.equal(
      ((await callChrome(ses, ext.id, "declarativeNetRequest.getDynamicRules")) as unknown[])
        .length,
      1,
    );
    await session.closePartition(partition);
    ({ ses } = await freshSession(partition));
    ext = await ses.loadExtension(fixture("mv3_rules"));
    assert.deepEqual(
      ((await callChrome(ses, ext.id, "declarativeNetRequest.getDynamicRules")) as Array<
        { id: number }
      >)
        .map((r) => r.id),
      [10],
    );
    assert.deepEqual(await callChrome(ses, ext.id, "declarativeNetRequest.getSessionRules"), []);
    assert.deepEqual(await callChrome(ses, ext.id, "declarativeNetRequest.getEnabledRulesets"), []);
    await assert.rejects(ses.fetch(`${server.url}/dynamic-block`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    assert.equal((await echoed(ses, `${server.url}/ads/x`)).path, "/ads/x");
    assert.equal((await echoed(ses, `${server.url}/session-block`)).path, "/session-block");
  });

  it("redirects and changes headers only where its host permissions reach; blocks anywhere", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_rules"));
    // localhost is another host than 127.0.0.1, which is all the extension may touch
    const other = server.url.replace("127.0.0.1", "localhost");
    assert.equal((await echoed(ses, `${other}/moved`)).path, "/moved");
    await assert.rejects(ses.fetch(`${other}/ads/banner.js`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    const outcome = await callChrome(ses, ext.id, "declarativeNetRequest.testMatchOutcome", {
      url: `${server.url}/ads/banner.js`,
      type: "xmlhttprequest",
    });
    assert.deepEqual(outcome, { matchedRules: [{ ruleId: 1, rulesetId: "ads" }] });
  });

  it("loads a static ruleset larger than one engine's 30,000 rules", async () => {
    const dir = mkdtempSync(`${tmpdir()}/websession-big-ruleset-`);
    try {
      const rules = Array.from({ length: 45_000 }, (_, i) => ({
        id: i + 1,
        condition: { urlFilter: `||blocked-${i + 1}.test^` },
        action: { type: "block" },
      }));
      mkdirSync(`${dir}/rules`);
      writeFileSync(`${dir}/rules/big.json`, JSON.stringify(rules));
      writeFileSync(
        `${dir}/manifest.json`,
        JSON.stringify({
          manifest_version: 3,
          name: "Big ruleset",
          version: "1",
          permissions: ["declarativeNetRequest"],
          declarative_net_request: {
            rule_resources: [{ id: "big", enabled: true, path: "rules/big.json" }],
          },
        }),
      );
      const { ses, errors } = await freshSession();
      await ses.loadExtension(dir);
      for (const n of [1, 30_000, 30_001, 45_000]) {
        await assert.rejects(ses.fetch(`http://blocked-${n}.test/`), {
          code: "net::ERR_BLOCKED_BY_CLIENT",
        });
      }
      assert.equal((await echoed(ses, `${server.url}/not-listed`)).path, "/not-listed");
      assert.deepEqual(errors, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps each extension's rules apart from the session's own", async () => {
    const { ses } = await freshSession();
    await ses.loadExtension(fixture("mv3_rules"));
    assert.deepEqual(await ses.declarativeNetRequest.getSessionRules(), []);
    assert.deepEqual(await ses.declarativeNetRequest.getDynamicRules(), []);
    // a session allow rule does not lift the extension's block: each extension decides for itself
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{
        id: 1,
        priority: 9,
        condition: { urlFilter: "/ads/" },
        action: { type: "allow" },
      }],
    });
    await assert.rejects(ses.fetch(`${server.url}/ads/banner.js`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
  });
});

describe("an extension's rules before webRequest listeners", () => {
  it("a hop its rules block reaches no onBeforeRequest listener, only onErrorOccurred", async () => {
    const { ses } = await freshSession();
    await ses.loadExtension(fixture("mv3_rules"));
    const heard: string[] = [];
    ses.webRequest.onBeforeRequest((details, callback) => {
      heard.push(`electron ${new URL(details.url).pathname}`);
      callback({});
    });
    ses.webRequest.scope("another").events.onBeforeRequest.addListener((details) => {
      heard.push(`chrome ${new URL(details.url).pathname}`);
    }, { urls: ["<all_urls>"] });
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    await assert.rejects(ses.fetch(`${server.url}/ads/banner.js`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    assert.equal((await echoed(ses, `${server.url}/page`)).path, "/page");
    assert.deepEqual(heard.sort(), ["chrome /page", "electron /page"]);
    assert.deepEqual(errors, ["net::ERR_BLOCKED_BY_CLIENT"]);
  });
});

describe("an extension's declarativeNetRequest.isRegexSupported", () => {
  it("answers as RE2 does: RE2's syntax passes, lookaround and huge programs do not", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_rules"));
    const ask = (regex: string, isCaseSensitive?: boolean) =>
      callChrome(ses, ext.id, "declarativeNetRequest.isRegexSupported", {
        regex,
        isCaseSensitive,
      });
    assert.deepEqual(await ask("^https?://[[:alpha:]]+\\.test/\\Q?\\E(?P<id>\\d+)$"), {
      isSupported: true,
    });
    assert.deepEqual(await ask("(?i)ads", false), { isSupported: true });
    assert.deepEqual(await ask("(?<=a)b"), { isSupported: false, reason: "syntaxError" });
    assert.deepEqual(await ask("(a)\\1"), { isSupported: false, reason: "syntaxError" });
    assert.deepEqual(await ask("[a-z]{1000}[0-9]{1000}"), {
      isSupported: false,
      reason: "memoryLimitExceeded",
    });
  });
});

describe("an extension's declarativeNetRequest arguments", () => {
  it("are checked at the call as Chrome's bindings do: a typo'd property throws, nothing changes", async () => {
    // RPC_WORKER tells a throw at the call from a rejection (the fixtures' rpc.js does not)
    const { ses, id } = await loadWritten({
      manifest_version: 3,
      name: "Arguments",
      version: "1.0",
      permissions: ["declarativeNetRequest"],
      background: { service_worker: "worker.js" },
    });
    const ext = { id };
    const ask = (call: string, ...args: unknown[]) => askChrome(ses, id, call, ...args);
    const signature = (method: string, parameter: string) =>
      `TypeError: Error in invocation of declarativeNetRequest.${method}(${parameter}, optional ` +
      "function callback): Error at parameter ";
    const rule = { id: 7, condition: { urlFilter: "typo-block" }, action: { type: "block" } };
    await callChrome(ses, ext.id, "declarativeNetRequest.updateDynamicRules", { addRules: [rule] });
    assert.deepEqual(
      await ask("declarativeNetRequest.updateDynamicRules", {
        addRule: [{ ...rule, id: 8 }],
        removeRuleIds: [7],
      }),
      {
        thrown: signature(
          "updateDynamicRules",
          "declarativeNetRequest.UpdateRuleOptions options",
        ) + "'options': Unexpected property: 'addRule'.",
      },
    );
    const kept = await callChrome(ses, ext.id, "declarativeNetRequest.getDynamicRules") as Array<
      { id: number }
    >;
    assert.deepEqual(kept.map((r) => r.id), [7]);
    assert.deepEqual(await ask("declarativeNetRequest.getSessionRules", { ruleIds: ["7"] }), {
      thrown: signature("getSessionRules", "optional declarativeNetRequest.GetRulesFilter filter") +
        "'filter': Error at property 'ruleIds': Error at index 0: Invalid type: expected " +
        "integer, found string.",
    });
    assert.deepEqual(await ask("declarativeNetRequest.testMatchOutcome", { url: server.url }), {
      thrown: signature(
        "testMatchOutcome",
        "declarativeNetRequest.TestMatchRequestDetails request",
      ) + "'request': Missing required property 'type'.",
    });
    // the enums' values come from the Chrome enums the Worker was handed
    const request = { url: server.url, type: "script", method: "GET" };
    assert.deepEqual(await ask("declarativeNetRequest.testMatchOutcome", request), {
      thrown: signature(
        "testMatchOutcome",
        "declarativeNetRequest.TestMatchRequestDetails request",
      ) + "'request': Error at property 'method': Value must be one of connect, delete, get, " +
        "head, options, other, patch, post, put.",
    });
    assert.deepEqual(await ask("declarativeNetRequest.getMatchedRules", { tab: 1 }), {
      thrown: signature(
        "getMatchedRules",
        "optional declarativeNetRequest.MatchedRulesFilter filter",
      ) + "'filter': Unexpected property: 'tab'.",
    });
    assert.deepEqual(await ask("declarativeNetRequest.isRegexSupported", {}), {
      thrown: signature("isRegexSupported", "declarativeNetRequest.RegexOptions regexOptions") +
        "'regexOptions': Missing required property 'regex'.",
    });
    // Chrome's API (not its bindings) refuses a URL that does not parse: the promise rejects
    assert.deepEqual(
      await ask("declarativeNetRequest.testMatchOutcome", { url: "not a url", type: "script" }),
      { error: "Invalid test request URL." },
    );
  });
});
