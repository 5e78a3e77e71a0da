// Members of chrome.declarativeNetRequest that ses.declarativeNetRequest has too: isRegexSupported
// (RE2, as the rules) and getMatchedRules (the rules that acted in the last five minutes).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../../_serve.ts";
import { startServer, webRequestSessions } from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-dnr-members");

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

describe("ses.declarativeNetRequest.isRegexSupported", () => {
  it("answers as the rules' RE2 does, with Chrome's reasons", async () => {
    const dnr = (await sessions.fresh()).declarativeNetRequest;
    assert.deepEqual(await dnr.isRegexSupported({ regex: "^https?://[[:alpha:]]+\\.test/" }), {
      isSupported: true,
    });
    assert.deepEqual(await dnr.isRegexSupported({ regex: "(?<=a)b" }), {
      isSupported: false,
      reason: "syntaxError",
    });
    assert.deepEqual(await dnr.isRegexSupported({ regex: "[a-z]{1000}[0-9]{1000}" }), {
      isSupported: false,
      reason: "memoryLimitExceeded",
    });
    await assert.rejects(dnr.isRegexSupported({} as never), {
      name: "TypeError",
      message:
        "Error in invocation of declarativeNetRequest.isRegexSupported(declarativeNetRequest.RegexOptions regexOptions, optional function callback): Error at " +
        "parameter 'regexOptions': Missing required property 'regex'.",
    });
  });
});

describe("ses.declarativeNetRequest.getMatchedRules", () => {
  it("lists the rules that blocked, allowed or changed headers, newest last", async () => {
    const ses = await sessions.fresh();
    const dnr = ses.declarativeNetRequest;
    await dnr.updateSessionRules({
      addRules: [
        { id: 1, condition: { urlFilter: "/redirect/" }, action: { type: "block" } },
        { id: 2, priority: 2, condition: { urlFilter: "/ok" }, action: { type: "allow" } },
      ],
    });
    await dnr.updateDynamicRules({
      addRules: [{
        id: 3,
        condition: { urlFilter: "/echo" },
        action: {
          type: "modifyHeaders",
          requestHeaders: [{ header: "x-rule", operation: "set", value: "1" }],
        },
      }],
    });
    assert.deepEqual(await dnr.getMatchedRules(), { rulesMatchedInfo: [] });
    const before = Date.now();
    await assert.rejects(ses.fetch(`${server.url}/redirect/1`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
    await (await ses.fetch(`${server.url}/ok`)).text();
    const echoed = await (await ses.fetch(`${server.url}/echo`)).json();
    assert.equal(echoed.headers["x-rule"], "1");
    const { rulesMatchedInfo } = await dnr.getMatchedRules();
    // the ruleset ids are Chrome's constants
    assert.equal(dnr.SESSION_RULESET_ID, "_session");
    assert.equal(dnr.DYNAMIC_RULESET_ID, "_dynamic");
    assert.deepEqual(rulesMatchedInfo.map((m) => [m.rule, m.tabId]), [
      [{ ruleId: 1, rulesetId: dnr.SESSION_RULESET_ID }, -1],
      [{ ruleId: 2, rulesetId: dnr.SESSION_RULESET_ID }, -1],
      [{ ruleId: 3, rulesetId: dnr.DYNAMIC_RULESET_ID }, -1],
    ]);
    assert.ok(rulesMatchedInfo.every((m) => m.timeStamp >= before));
    const later = await dnr.getMatchedRules({ minTimeStamp: Date.now() + 1000 });
    assert.deepEqual(later, { rulesMatchedInfo: [] });
    assert.deepEqual((await dnr.getMatchedRules({ tabId: 5 })).rulesMatchedInfo, []);
    await assert.rejects(dnr.getMatchedRules({ tab: 1 } as never), {
      name: "TypeError",
      message:
        "Error in invocation of declarativeNetRequest.getMatchedRules(optional declarativeNetRequest.MatchedRulesFilter filter, optional function callback): Error at " +
        "parameter 'filter': Unexpected property: 'tab'.",
    });
  });
});
