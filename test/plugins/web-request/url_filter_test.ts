import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  indexTokens,
  matchesUrlFilter,
  parseUrlFilter,
} from "../../../plugins/web-request/url_filter.ts";
import {
  compileRegexFilter,
  requiredLiterals,
} from "../../../plugins/web-request/_regex_filter.ts";

function test(filter: string, url: string, caseSensitive = false): boolean {
  const f = parseUrlFilter(filter, caseSensitive);
  const u = new URL(url);
  const text = caseSensitive ? u.href : u.href.toLowerCase();
  const start = u.href.indexOf("//") + 2 + (u.username ? u.href.indexOf("@") - 7 : 0);
  const host = { start, end: start + u.host.length - (u.port ? u.port.length + 1 : 0) };
  return matchesUrlFilter(f, text, host);
}

describe("urlFilter", () => {
  it("matches Chrome's documented examples", () => {
    // From Chrome's declarativeNetRequest documentation (RuleCondition.urlFilter).
    assert.equal(test("abc", "https://abcd.com"), true);
    assert.equal(test("abc", "https://example.com/abcd"), true);
    assert.equal(test("abc", "https://ab.com"), false);
    assert.equal(test("abc*d", "https://abcd.com"), true);
    assert.equal(test("abc*d", "https://example.com/abcxyzd"), true);
    assert.equal(test("abc*d", "https://abc.com"), false);
    assert.equal(test("||a.example.com", "https://a.example.com/"), true);
    assert.equal(test("||a.example.com", "https://b.a.example.com/xyz"), true);
    assert.equal(test("||a.example.com", "https://a.example.company"), true);
    assert.equal(test("||a.example.com", "https://example.com/"), false);
    assert.equal(test("|https*", "https://example.com"), true);
    assert.equal(test("|https*", "http://example.com/"), false);
    assert.equal(test("|https*", "http://https.com"), false);
    assert.equal(test("example*^123|", "https://example.com/123"), true);
    assert.equal(test("example*^123|", "http://abc.com/example?123"), true);
    assert.equal(test("example*^123|", "https://example.com/1234"), false);
    assert.equal(test("example*^123|", "https://abc.com/example0123"), false);
  });

  it("treats ^ as a separator or the end of the URL", () => {
    assert.equal(test("||ads.example^", "https://ads.example/x"), true);
    assert.equal(test("||ads.example^", "https://ads.example:8080/x"), true);
    assert.equal(test("||ads.example^", "https://ads.examples.com/"), false);
    assert.equal(test("/banner^", "https://a.test/banner"), true);
    assert.equal(test("/banner^", "https://a.test/banner_x"), false);
    assert.equal(test("/banner^", "https://a.test/banner-x"), false);
    assert.equal(test("/banner^", "https://a.test/banner?x"), true);
  });

  it("anchors || at label starts of the host only", () => {
    assert.equal(test("||example.com", "https://notexample.com/"), false);
    assert.equal(test("||example.com", "https://x.test/?u=example.com"), false);
    assert.equal(test("||com/x", "https://a.com/x"), true);
  });

  it("ignores case unless asked", () => {
    assert.equal(test("/ADS/", "https://a.test/ads/x"), true);
    assert.equal(test("/ADS/", "https://a.test/ads/x", true), false);
    assert.equal(test("/ADS/", "https://a.test/ADS/x", true), true);
  });

  it("right anchors and wildcards", () => {
    assert.equal(test(".js|", "https://a.test/x.js"), true);
    assert.equal(test(".js|", "https://a.test/x.js?y"), false);
    assert.equal(test("a|", "https://a.test/aba"), true);
    assert.equal(test("*", "https://a.test/"), true);
    assert.equal(test("|http://*/x|", "http://a.test/y/x"), true);
  });

  it("rejects bad filters", () => {
    assert.throws(() => parseUrlFilter(""), /empty/);
    assert.throws(() => parseUrlFilter("||*.ads"), /\|\|\*/);
    assert.throws(() => parseUrlFilter("ünï"), /ASCII/);
  });

  it("reads a | that anchors nothing as a literal character (Chrome)", () => {
    const f = parseUrlFilter("a|b");
    assert.equal(f.left, "none");
    assert.equal(f.right, false);
    assert.deepEqual(f.parts, ["a|b"]);
  });

  it("indexes only whole tokens", () => {
    assert.deepEqual(indexTokens(parseUrlFilter("||ads.example.com^")), ["ads", "example", "com"]);
    assert.deepEqual(indexTokens(parseUrlFilter("/banner/ad")), ["banner"]);
    assert.deepEqual(indexTokens(parseUrlFilter("/ads_banner.js")), ["ads_banner"]);
    assert.deepEqual(indexTokens(parseUrlFilter("ads*track/")), []);
    assert.deepEqual(indexTokens(parseUrlFilter("|https://x*")), ["https"]);
    assert.deepEqual(indexTokens(parseUrlFilter("-300x250.")), ["300x250"]);
  });
});

describe("regexFilter helpers", () => {
  it("finds the literals a regex requires, or none when alternation or shortness forbids", () => {
    assert.deepEqual(requiredLiterals("^https?://ads\\.example/.*\\.gif$", false), [
      "http",
      "://ads.example/",
      ".gif",
    ]);
    assert.deepEqual(requiredLiterals("/Banner[0-9]+\\.gif", false), ["/banner", ".gif"]);
    assert.deepEqual(requiredLiterals("/Banner[0-9]+\\.gif", true), ["/Banner", ".gif"]);
    assert.deepEqual(requiredLiterals("a|b", false), []);
    assert.deepEqual(requiredLiterals("(x|y)trackers?", false), ["tracker"]);
    assert.deepEqual(requiredLiterals("ab.cd", false), []);
    assert.deepEqual(requiredLiterals("abc{2}de\\d+xyz", false), ["xyz"]);
  });

  it("refuses what RE2 does not support", () => {
    assert.throws(() => compileRegexFilter("(?!x)y", false), /RE2/);
    assert.throws(() => compileRegexFilter("(a)\\1", false), /RE2/);
    assert.equal(compileRegexFilter("^HTTPS://", false).test("https://a"), true);
    assert.equal(compileRegexFilter("^HTTPS://", true).test("https://a"), false);
  });
});
