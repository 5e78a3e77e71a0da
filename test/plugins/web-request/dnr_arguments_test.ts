// The arguments of declarativeNetRequest's methods, checked as Chrome's bindings check them: an
// unknown property (a typo such as `addRule`), a wrong type or a missing required property is
// refused with the parameter and property named, and nothing already stored changes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../../_serve.ts";
import { startServer, webRequestSessions } from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-dnr-arguments");
const fresh = sessions.fresh;
const BLOCK = { id: 1, condition: { urlFilter: "blocked" }, action: { type: "block" as const } };

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

/** The rejection of `promise`, which must be a TypeError. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.ok(error instanceof TypeError, `expected a TypeError, got ${error}`);
  return error.message;
}

describe("declarativeNetRequest's update options", () => {
  it("an unknown property (addRule for addRules) is refused, and the rules stay as they were", async () => {
    const ses = await fresh();
    const dnr = ses.declarativeNetRequest;
    await dnr.updateSessionRules({ addRules: [BLOCK] });
    const typo = { addRule: [{ ...BLOCK, id: 2 }], removeRuleIds: [1] } as never;
    assert.equal(
      await refusal(dnr.updateSessionRules(typo)),
      "Error in invocation of declarativeNetRequest.updateSessionRules(declarativeNetRequest.UpdateRuleOptions options, optional function callback): Error at parameter " +
        "'options': Unexpected property: 'addRule'.",
    );
    assert.deepEqual((await dnr.getSessionRules()).map((r) => r.id), [1]);
    await assert.rejects(ses.fetch(`${server.url}/blocked`), {
      code: "net::ERR_BLOCKED_BY_CLIENT",
    });
  });

  it("removeRuleIds must hold integers: a string id is refused, not silently kept", async () => {
    const ses = await fresh();
    const dnr = ses.declarativeNetRequest;
    await dnr.updateDynamicRules({ addRules: [BLOCK] });
    assert.equal(
      await refusal(dnr.updateDynamicRules({ removeRuleIds: ["1"] } as never)),
      "Error in invocation of declarativeNetRequest.updateDynamicRules(declarativeNetRequest.UpdateRuleOptions options, optional function callback): Error at parameter " +
        "'options': Error at property 'removeRuleIds': Error at index 0: Invalid type: expected " +
        "integer, found string.",
    );
    assert.match(
      await refusal(dnr.updateDynamicRules({ removeRuleIds: 1 } as never)),
      /Error at property 'removeRuleIds': Invalid type: expected array, found integer\.$/,
    );
    assert.match(
      await refusal(dnr.updateSessionRules({ addRules: BLOCK } as never)),
      /Error at property 'addRules': Invalid type: expected array, found object\.$/,
    );
    assert.deepEqual((await dnr.getDynamicRules()).map((r) => r.id), [1]);
  });

  it("the options must be an object: anything else matches no signature (Chromium 156's words)", async () => {
    const ses = await fresh();
    assert.equal(
      await refusal(ses.declarativeNetRequest.updateSessionRules(null as never)),
      "Error in invocation of declarativeNetRequest.updateSessionRules(declarativeNetRequest." +
        "UpdateRuleOptions options, optional function callback): No matching signature.",
    );
  });
});

describe("declarativeNetRequest's rule filters and test requests", () => {
  it("getSessionRules/getDynamicRules refuse a filter with an unknown property or bad ruleIds", async () => {
    const ses = await fresh();
    const dnr = ses.declarativeNetRequest;
    await dnr.updateSessionRules({ addRules: [BLOCK] });
    assert.equal(
      await refusal(dnr.getSessionRules({ ruleId: [2] } as never)),
      "Error in invocation of declarativeNetRequest.getSessionRules(optional declarativeNetRequest.GetRulesFilter filter, optional function callback): Error at parameter " +
        "'filter': Unexpected property: 'ruleId'.",
    );
    assert.match(
      await refusal(dnr.getDynamicRules({ ruleIds: "1" } as never)),
      /getDynamicRules\(.*\): Error at parameter 'filter': Error at property 'ruleIds': Invalid type: expected array, found string\.$/,
    );
    assert.deepEqual((await dnr.getSessionRules({ ruleIds: [1] })).map((r) => r.id), [1]);
  });

  it("testMatchOutcome needs url and type, and takes Chrome's lower-case methods", async () => {
    const ses = await fresh();
    const dnr = ses.declarativeNetRequest;
    await dnr.updateSessionRules({ addRules: [BLOCK] });
    const url = `${server.url}/blocked`;
    assert.equal(
      await refusal(dnr.testMatchOutcome({ url } as never)),
      "Error in invocation of declarativeNetRequest.testMatchOutcome(declarativeNetRequest.TestMatchRequestDetails request, optional function callback): Error at parameter " +
        "'request': Missing required property 'type'.",
    );
    assert.match(
      await refusal(dnr.testMatchOutcome({ url, type: "xhr" } as never)),
      /Error at property 'type': Value must be one of csp_report, font, .*, xmlhttprequest\.$/,
    );
    assert.match(
      await refusal(dnr.testMatchOutcome({ url, type: "other", method: "POST" } as never)),
      /Error at property 'method': Value must be one of connect, delete, get, .*, put\.$/,
    );
    assert.deepEqual(await dnr.testMatchOutcome({ url, type: "other", method: "post" }), {
      matchedRules: [{ ruleId: 1, rulesetId: "_session" }],
    });
  });

  it("testMatchOutcome takes topUrl, which topDomains conditions read", async () => {
    const ses = await fresh();
    const dnr = ses.declarativeNetRequest;
    await dnr.updateSessionRules({
      addRules: [{ ...BLOCK, condition: { urlFilter: "blocked", topDomains: ["top.test"] } }],
    });
    const request = { url: `${server.url}/blocked`, type: "script" as const };
    assert.deepEqual(await dnr.testMatchOutcome(request), { matchedRules: [] });
    assert.deepEqual(await dnr.testMatchOutcome({ ...request, topUrl: "https://a.top.test/" }), {
      matchedRules: [{ ruleId: 1, rulesetId: "_session" }],
    });
  });
});

describe("declarativeNetRequest's arguments in Chrome's order and type names", () => {
  // the texts Chromium 156 (Debian's 156.0.8078.129) throws for the same calls in an extension
  const call = (method: string, signature: string, parameter: string) =>
    `Error in invocation of declarativeNetRequest.${method}(declarativeNetRequest.${signature}, ` +
    `optional function callback): Error at parameter '${parameter}': `;

  it("checks the properties in the order they were given, then the missing ones", async () => {
    const dnr = (await fresh()).declarativeNetRequest;
    const options = call("updateSessionRules", "UpdateRuleOptions options", "options");
    assert.equal(
      await refusal(dnr.updateSessionRules({ removeRuleIds: "x", bogus: 1 } as never)),
      `${options}Error at property 'removeRuleIds': Invalid type: expected array, found string.`,
    );
    assert.equal(
      await refusal(dnr.updateSessionRules({ bogus: 1, removeRuleIds: "x" } as never)),
      `${options}Unexpected property: 'bogus'.`,
    );
  });

  it("names an enum's type for a value that is no string, and refuses NaN for a number", async () => {
    const dnr = (await fresh()).declarativeNetRequest;
    const request = call("testMatchOutcome", "TestMatchRequestDetails request", "request");
    assert.equal(
      await refusal(dnr.testMatchOutcome({ url: server.url, type: 3 } as never)),
      `${request}Error at property 'type': Invalid type: expected ` +
        "declarativeNetRequest.ResourceType, found integer.",
    );
    assert.equal(
      await refusal(dnr.testMatchOutcome({ url: server.url, type: "script", method: 3 } as never)),
      `${request}Error at property 'method': Invalid type: expected ` +
        "declarativeNetRequest.RequestMethod, found integer.",
    );
    assert.equal(
      await refusal(dnr.getMatchedRules({ minTimeStamp: NaN })),
      "Error in invocation of declarativeNetRequest.getMatchedRules(optional " +
        "declarativeNetRequest.MatchedRulesFilter filter, optional function callback): Error at " +
        "parameter 'filter': Error at property 'minTimeStamp': Value must not be NaN or Infinity.",
    );
  });

  it("takes a rule's null properties as left out, as Chrome's bindings do", async () => {
    const dnr = (await fresh()).declarativeNetRequest;
    const rule = {
      id: 1,
      priority: null,
      condition: { urlFilter: null },
      action: { type: "block" },
    };
    await dnr.updateSessionRules({ addRules: [rule as never] });
    assert.deepEqual(await dnr.getSessionRules(), [
      { id: 1, condition: {}, action: { type: "block" } },
    ]);
  });
});
