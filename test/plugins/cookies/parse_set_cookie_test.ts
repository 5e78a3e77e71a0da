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

  it("lets the last valid attribute win and ignores invalid ones", () => {
    const c = parseSetCookie(
      "a=1; Max-Age=10; Max-Age=5,0; Path=/x; Path=; SameSite=Bogus; Domain=",
    );
    assert.equal(c?.maxAge, 10);
    assert.equal(c?.path, ""); // empty: use the default path
    assert.equal(c?.sameSite, "unspecified");
    assert.equal(c?.domain, undefined);
    assert.equal(parseSetCookie("a=1; Expires=garbage")?.expires, undefined);
    assert.equal(parseSetCookie("a=1; Max-Age=-5")?.maxAge, -5);
    assert.equal(parseSetCookie("a=1; Secure qux")?.secure, false);
    assert.equal(parseSetCookie("a=1; secure=yes")?.secure, true);
  });

  it("counts UTF-8 bytes and detaches long substrings", () => {
    assert.equal(utf8Length("aé春😀"), 1 + 2 + 3 + 4);
    const line = "sid=0123456789abcdef; Path=/";
    assert.equal(detach(line.slice(4, 20)), "0123456789abcdef");
  });
});
