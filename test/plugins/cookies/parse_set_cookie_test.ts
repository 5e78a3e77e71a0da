import { parseCookieDate } from "../../../plugins/cookies/cookie_date.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { detach, parseSetCookie, utf8Length } from "../../../plugins/cookies/parse_set_cookie.ts";

describe("parseSetCookie", () => {
  it("reads name, value and every attribute", () => {
    const c = parseSetCookie(
      "sid=abc; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=60; Domain=.Example.ORG; Path=/a; " +
        "Secure; HttpOnly; SameSite=Strict; Priority=High; Partitioned",
    );
    assert.deepEqual(c, {
      name: "sid",
      value: "abc",
      expires: Date.UTC(2021, 5, 9, 10, 18, 14),
      maxAge: 60,
      domain: "example.org",
      path: "/a",
      secure: true,
      httpOnly: true,
      sameSite: "strict",
      priority: "high",
      partitioned: true,
    });
  });

  it("makes a line without '=' a nameless cookie and refuses an empty one", () => {
    assert.equal(parseSetCookie("foo")?.name, "");
    assert.equal(parseSetCookie("foo")?.value, "foo");
    assert.equal(parseSetCookie("=bar")?.value, "bar");
    assert.equal(parseSetCookie("="), null);
    assert.equal(parseSetCookie("   "), null);
    assert.equal(parseSetCookie("; a=b"), null);
  });

  it("cuts the line at NUL, CR or LF as Chromium does, and refuses other control characters", () => {
    assert.equal(parseSetCookie("AAA=BB\u0000ZYX")?.value, "BB");
    assert.equal(parseSetCookie("AAA=BB\rZYX")?.value, "BB");
    assert.equal(parseSetCookie("test=13\nZYX")?.value, "13");
    assert.equal(parseSetCookie("a=b\u0001c"), null);
    assert.equal(parseSetCookie("a=b\u007f"), null);
    assert.equal(parseSetCookie("a=\tb\t")?.value, "b");
  });

  it("limits name plus value to 4096 bytes, counting UTF-8", () => {
    assert.ok(parseSetCookie(`a=${"x".repeat(4095)}`));
    assert.equal(parseSetCookie(`a=${"x".repeat(4096)}`), null);
    assert.equal(parseSetCookie(`a=${"é".repeat(2048)}`), null); // 4097 bytes
    assert.ok(parseSetCookie(`${"é".repeat(2047)}=x`)); // 4095 bytes
  });

  it("ignores attribute values over 1024 bytes, keeping the earlier valid one", () => {
    const c = parseSetCookie(`a=1; Path=/ok; Path=/${"p".repeat(1024)}`);
    assert.equal(c?.path, "/ok");
    assert.equal(parseSetCookie(`a=1; Domain=${"d".repeat(1025)}`)?.domain, undefined);
  });

  it("lets the last attribute win, an invalid or empty last one cancelling (Chromium)", () => {
    const c = parseSetCookie(
      "a=1; Max-Age=10; Max-Age=5,0; Path=/x; Path=; SameSite=Bogus; Domain=",
    );
    assert.equal(c?.maxAge, undefined);
    assert.equal(parseSetCookie("a=1; Max-Age=5,0; Max-Age=10")?.maxAge, 10);
    assert.equal(parseSetCookie("a=1; Domain=example.org; Domain=")?.domain, undefined);
    assert.equal(parseSetCookie("a=1; Domain=x.org; Domain=example.org")?.domain, "example.org");
    assert.equal(
      parseSetCookie("a=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Expires=nope")?.expires,
      undefined,
    );
    assert.equal(c?.path, ""); // empty: use the default path
    assert.equal(c?.sameSite, "unspecified");
    assert.equal(c?.domain, undefined);
    assert.equal(parseSetCookie("a=1; Expires=garbage")?.expires, undefined);
    assert.equal(parseSetCookie("a=1; Max-Age=-5")?.maxAge, -5);
    assert.equal(parseSetCookie("a=1; Max-Age=+10")?.maxAge, 10);
    assert.equal(parseSetCookie("a=1; Max-Age=1e3")?.maxAge, undefined);
    assert.equal(parseSetCookie("a=1; Secure qux")?.secure, false);
    assert.equal(parseSetCookie("a=1; secure=yes")?.secure, true);
  });

  it("refuses a tab inside a name or value, and a nameless cookie whose value holds '='", () => {
    assert.equal(parseSetCookie("a=x\ty"), null);
    assert.equal(parseSetCookie("a\tb=1"), null);
    assert.deepEqual(
      [parseSetCookie("\tc=\tz\t")?.name, parseSetCookie("\tc=\tz\t")?.value],
      ["c", "z"],
    );
    assert.equal(parseSetCookie("=a=b"), null);
    assert.equal(parseSetCookie(" =x=y"), null);
    assert.equal(parseSetCookie("=c")?.value, "c");
  });

  it("counts UTF-8 bytes and detaches long substrings", () => {
    assert.equal(utf8Length("aé春😀"), 1 + 2 + 3 + 4);
    const line = "sid=0123456789abcdef; Path=/";
    assert.equal(detach(line.slice(4, 20)), "0123456789abcdef");
  });
});

describe("parseCookieDate as Chromium 156 reads Expires", () => {
  it("takes 5-digit years, clamps years before 1601, and refuses a time token with a tail", () => {
    assert.equal(
      parseCookieDate("Wed, 01 Jan 10000 00:00:00 GMT"),
      Date.UTC(10000, 0, 1),
    );
    assert.equal(parseCookieDate("Mon, 01 Jan 1600 00:00:00 GMT"), Date.UTC(1601, 0, 1));
    assert.equal(parseCookieDate("Thu, 01 Jan 2099 00:00:00zz"), null);
    assert.equal(parseCookieDate("Thu, 01 Jan 2099 00:00:00 GMTx"), Date.UTC(2099, 0, 1));
    assert.equal(parseCookieDate("Thu, 01 Jan 2099 24:00:00 GMT"), null);
  });
});
