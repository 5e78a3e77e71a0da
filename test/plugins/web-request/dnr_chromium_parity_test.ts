// declarativeNetRequest as Chromium 156 answers (issue #26; the recorded cases are in
// conformance/parity/dnr.json): each behaviour the differential test found, on the engine.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DnrEngine } from "../../../plugins/web-request/dnr_engine.ts";
import type { Rule, TestMatchRequestDetails } from "../../../plugins/web-request/dnr_types.ts";

function engineWith(...rules: unknown[]): DnrEngine {
  const engine = new DnrEngine();
  engine.update(0, { addRules: rules as Rule[] });
  return engine;
}

function ids(engine: DnrEngine, url: string, extra: Partial<TestMatchRequestDetails> = {}) {
  return engine.testMatchOutcome({ url, type: "xmlhttprequest", ...extra }).matchedRules.map((m) =>
    m.ruleId
  );
}

const block = (id: number, condition: Record<string, unknown>, priority?: number) => ({
  id,
  priority,
  condition,
  action: { type: "block" },
});

describe("the URL matched", () => {
  it("includes the fragment, for urlFilter and regexFilter", () => {
    const e = engineWith(block(1, { urlFilter: "#frag" }));
    const re = engineWith(block(2, { regexFilter: "#[a-z]+$" }));
    assert.deepEqual(ids(e, "https://a.test/x#frag"), [1]);
    assert.deepEqual(ids(re, "https://a.test/x#abc"), [2]);
    assert.deepEqual(ids(e, "https://a.test/x"), []);
    assert.deepEqual(ids(re, "https://a.test/x"), []);
    const end = engineWith(block(1, { urlFilter: "/p|" }));
    assert.deepEqual(ids(end, "https://a.test/p#f"), []);
    assert.deepEqual(ids(end, "https://a.test/p"), [1]);
  });

  it("has ^ and | percent-escaped in the path only, as Chromium's canonical URL", () => {
    const e = engineWith(block(1, { urlFilter: "x%5e" }), block(2, { urlFilter: "q=a|b" }));
    assert.deepEqual(ids(e, "https://a.test/x^y"), [1]);
    assert.deepEqual(ids(e, "https://a.test/p?q=a|b"), [2]);
  });

  it("keeps the fragment through a transform redirect", () => {
    const e = engineWith({
      id: 1,
      condition: { urlFilter: "x" },
      action: { type: "redirect", redirect: { transform: { host: "b.test" } } },
    });
    assert.equal(
      e.outcome({ url: "https://a.test/x#f", type: "script" }).redirectUrl,
      "https://b.test/x#f",
    );
  });
});

describe("domain lists", () => {
  it("are decided by the longest matching entry, an exclusion winning a tie", () => {
    const e = engineWith(
      block(1, { requestDomains: ["a.test", "x.b.a.test"], excludedRequestDomains: ["b.a.test"] }),
    );
    assert.deepEqual(ids(e, "https://a.test/"), [1]);
    assert.deepEqual(ids(e, "https://b.a.test/"), []);
    assert.deepEqual(ids(e, "https://y.x.b.a.test/"), [1]);
    assert.deepEqual(ids(e, "https://c.b.a.test/"), []);
    const both = engineWith(
      block(1, { requestDomains: ["a.test"], excludedRequestDomains: ["a.test"] }),
    );
    assert.deepEqual(ids(both, "https://a.test/"), []);
    const init = engineWith(block(1, {
      initiatorDomains: ["a.test", "x.b.a.test"],
      excludedInitiatorDomains: ["b.a.test"],
    }));
    assert.deepEqual(ids(init, "https://r.test/", { initiator: "https://x.b.a.test" }), [1]);
    assert.deepEqual(ids(init, "https://r.test/", { initiator: "https://c.b.a.test" }), []);
  });

  it("match a request host written with a trailing dot, but not a listed one", () => {
    const e = engineWith(
      block(1, { requestDomains: ["a.test"] }),
      block(2, { requestDomains: ["b.test."] }),
    );
    assert.deepEqual(ids(e, "https://a.test./x"), [1]);
    assert.deepEqual(ids(e, "https://b.test./x"), []);
  });

  it("compare an IDN initiator in punycode", () => {
    const e = engineWith(block(1, { initiatorDomains: ["xn--bcher-kva.test"] }));
    assert.deepEqual(ids(e, "https://r.test/", { initiator: "https://bücher.test" }), [1]);
  });
});

describe("domainType", () => {
  const third = engineWith(block(1, { domainType: "thirdParty" }));
  const first = engineWith(block(1, { domainType: "firstParty" }));
  it("counts a request without an initiator as third party", () => {
    assert.deepEqual(ids(third, "https://r.test/"), [1]);
    assert.deepEqual(ids(first, "https://r.test/"), []);
  });
  it("counts private suffixes (github.io) as sites, and a trailing dot as another site", () => {
    assert.deepEqual(ids(third, "https://a.github.io/", { initiator: "https://b.github.io" }), [1]);
    assert.deepEqual(ids(first, "https://x.a.github.io/", { initiator: "https://a.github.io" }), [
      1,
    ]);
    assert.deepEqual(ids(third, "https://r.test./", { initiator: "https://r.test" }), [1]);
    assert.deepEqual(ids(first, "https://sub.r.test/", { initiator: "https://r.test" }), [1]);
  });
});

describe("methods", () => {
  it("a WebSocket request has none: requestMethods never match it, excludedRequestMethods do", () => {
    const e = engineWith(
      block(1, { urlFilter: "sock", requestMethods: ["get"] }),
      block(2, { urlFilter: "sock", excludedRequestMethods: ["post"] }, 2),
    );
    const ws = engineWith(block(1, { urlFilter: "sock", requestMethods: ["get"] }));
    assert.deepEqual(ids(ws, "wss://a.test/sock", { type: "websocket" }), []);
    assert.deepEqual(ids(e, "wss://a.test/sock", { type: "websocket" }), [2]);
  });
});

describe("rule validation as Chrome", () => {
  const take = (rule: unknown) => new DnrEngine().update(0, { addRules: [rule as Rule] });
  it("accepts empty excluded lists, topDomains, responseHeaders, and url with transform", () => {
    take(block(1, { urlFilter: "a", excludedRequestDomains: [], excludedResourceTypes: [] }));
    take(block(2, { topDomains: ["a.test"], excludedTopDomains: [] }));
    take(block(3, { responseHeaders: [{ header: "content-type", values: ["text/*"] }] }));
    take({
      id: 4,
      condition: {},
      action: {
        type: "redirect",
        redirect: { url: "https://u.test/", transform: { host: "t.test" } },
      },
    });
  });
  it("refuses an empty regexFilter, javascript: redirects and missing substitution groups", () => {
    assert.throws(
      () => take(block(1, { regexFilter: "" })),
      { message: "Rule with id 1 cannot have an empty value for regexFilter key." },
    );
    assert.throws(
      () =>
        take({
          id: 2,
          condition: {},
          action: { type: "redirect", redirect: { url: "javascript:alert(1)" } },
        }),
      {
        message:
          'Rule with id 2 specifies an incorrect value for the "action.redirect.url" key. Redirects to javascript urls are not supported.',
      },
    );
    assert.throws(
      () =>
        take({
          id: 3,
          condition: { regexFilter: "^https://(a)\\.test/(?:x)" },
          action: { type: "redirect", redirect: { regexSubstitution: "https://\\2.test/" } },
        }),
      {
        message:
          'Rule with id 3 specifies an incorrect value for the "action.redirect.regexSubstitution" key.',
      },
    );
    assert.throws(
      () => take(block(4, { requestDomains: [] })),
      { message: "Rule with id 4 cannot have an empty list as the value for requestDomains key." },
    );
  });
  it("uses url when a redirect also has a transform", () => {
    const e = engineWith({
      id: 1,
      condition: { urlFilter: "x" },
      action: {
        type: "redirect",
        redirect: { url: "https://u.test/", transform: { host: "t.test" } },
      },
    });
    assert.equal(
      e.outcome({ url: "https://a.test/x", type: "script" }).redirectUrl,
      "https://u.test/",
    );
  });
});

describe("topDomains and responseHeaders conditions", () => {
  it("topDomains match the top-level document's host (none for a request without one)", () => {
    const e = engineWith(
      block(1, { topDomains: ["a.test"] }),
      block(2, { excludedTopDomains: ["a.test"] }, 2),
    );
    assert.deepEqual(ids(e, "https://r.test/"), [2]);
    const frames = (top: string) =>
      e.outcome({ url: "https://r.test/", type: "script", frameUrls: [top] }).rule?.id;
    assert.equal(frames("https://www.a.test/"), 1);
    assert.equal(frames("https://b.test/"), 2);
  });
  it("responseHeaders are also read in testMatchOutcome's { name: [values] } shape", () => {
    const e = engineWith(
      block(1, { responseHeaders: [{ header: "content-type", values: ["text/*"] }] }),
    );
    const request = { url: "https://a.test/", type: "script" as const };
    const shape = { "content-type": ["text/html"] } as unknown as Headers;
    assert.equal(e.outcome({ ...request, responseHeaders: shape }).rule?.id, 1);
  });

  it("responseHeaders match the response's headers, with * and ? patterns", () => {
    const e = engineWith(
      block(1, { responseHeaders: [{ header: "Content-Type", values: ["text/*"] }] }),
      block(2, { excludedResponseHeaders: [{ header: "x-keep" }] }, 2),
    );
    assert.deepEqual(ids(e, "https://a.test/"), []);
    assert.deepEqual(
      ids(e, "https://a.test/", { responseHeaders: { "content-type": ["text/html"] } }),
      [2],
    );
    assert.deepEqual(
      ids(e, "https://a.test/", {
        responseHeaders: { "content-type": ["text/html"], "x-keep": ["1"] },
      }),
      [1],
    );
    assert.deepEqual(
      ids(e, "https://a.test/", {
        responseHeaders: { "content-type": ["image/png"], "x-keep": ["1"] },
      }),
      [],
    );
  });
});
