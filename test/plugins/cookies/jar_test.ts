import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../../../plugins/cookies/_tldts.ts";
import { CookieJar } from "../../../plugins/cookies/jar.ts";
import type { ChangeCause } from "../../../plugins/cookies/jar.ts";

function clockJar(start = Date.UTC(2026, 10, 21)) {
  let now = start;
  const jar = new CookieJar({ now: () => now });
  return { jar, advance: (ms: number) => (now += ms) };
}

describe("CookieJar ordering and identity", () => {
  it("orders the Cookie header by longer path first, then earlier creation", () => {
    const jar = new CookieJar();
    const url = "https://example.org/a/b/c";
    jar.setCookie("short=1; Path=/", url);
    jar.setCookie("long=2; Path=/a/b", url);
    jar.setCookie("mid=3; Path=/a", url);
    jar.setCookie("short2=4; Path=/", url);
    assert.equal(jar.cookieHeader(url), "long=2; mid=3; short=1; short2=4");
  });

  it("keeps the creation time (its place in the header) of a cookie overwritten with its value", () => {
    const jar = new CookieJar();
    const url = "https://example.org/";
    jar.setCookie("a=1", url);
    jar.setCookie("b=2", url);
    jar.setCookie("a=1; HttpOnly", url);
    assert.equal(jar.cookieHeader(url), "a=1; b=2");
    // a new value is a new creation time, as in Chromium 156: the cookie moves last
    jar.setCookie("a=3", url);
    assert.equal(jar.cookieHeader(url), "b=2; a=3");
    assert.equal(jar.size, 2);
  });

  it("keeps host-only and domain cookies of the same name apart", () => {
    const jar = new CookieJar();
    jar.setCookie("a=host", "https://example.org/");
    jar.setCookie("a=domain; Domain=example.org", "https://example.org/");
    assert.equal(jar.size, 2);
    assert.equal(jar.cookieHeader("https://www.example.org/"), "a=domain");
    assert.equal(jar.cookieHeader("https://example.org/"), "a=host; a=domain");
  });
});

describe("CookieJar expiry", () => {
  it("prefers Max-Age over Expires and caps both at 400 days", () => {
    const { jar } = clockJar();
    const r1 = jar.setCookie(
      "a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=60",
      "https://x.test/",
    );
    assert.equal(r1.cookie!.expiresMs, Date.UTC(2026, 10, 21) + 60_000);
    const r2 = jar.setCookie("b=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT", "https://x.test/");
    assert.equal(r2.cookie!.expiresMs, Date.UTC(2026, 10, 21) + 400 * 86400_000);
  });

  it("expires cookies with the clock, telling listeners", () => {
    const { jar, advance } = clockJar();
    const events: Array<[string, ChangeCause, boolean]> = [];
    jar.onChange((c, cause, removed) => events.push([c.name, cause, removed]));
    jar.setCookie("a=1; Max-Age=10", "https://x.test/");
    assert.equal(jar.cookieHeader("https://x.test/"), "a=1");
    advance(10_000);
    assert.equal(jar.cookieHeader("https://x.test/"), "");
    assert.deepEqual(events, [["a", "inserted", false], ["a", "expired", true]]);
  });

  it("deletes with Max-Age=0 or a past Expires (expired-overwrite)", () => {
    const jar = new CookieJar();
    const causes: string[] = [];
    jar.onChange((_c, cause, removed) => removed && causes.push(cause));
    jar.setCookie("a=1", "https://x.test/");
    assert.equal(jar.setCookie("a=2; Max-Age=0", "https://x.test/").expired, true);
    jar.setCookie("b=1", "https://x.test/");
    jar.setCookie("b=1; Expires=Thu, 01 Jan 1970 00:00:01 GMT", "https://x.test/");
    assert.equal(jar.size, 0);
    assert.deepEqual(causes, ["expired-overwrite", "expired-overwrite"]);
  });
});

describe("CookieJar rules", () => {
  it("refuses Secure cookies from http (not localhost) and never sends them there", () => {
    const jar = new CookieJar();
    assert.match(jar.setCookie("a=1; Secure", "http://example.org/").rejected!, /insecure URL/);
    jar.setCookie("s=1; Secure", "https://example.org/");
    assert.equal(jar.cookieHeader("http://example.org/"), "");
    assert.equal(jar.cookieHeader("wss://example.org/"), "s=1");
  });

  it("does not let an insecure URL shadow a Secure cookie", () => {
    const jar = new CookieJar();
    jar.setCookie("a=secure; Secure; Path=/", "https://example.org/");
    assert.match(
      jar.setCookie("a=plain; Path=/app", "http://example.org/app").rejected!,
      /overwrite a Secure cookie/,
    );
    assert.equal(jar.setCookie("b=plain", "http://example.org/").rejected, undefined);
  });

  it("refuses domain cookies on public suffixes, accepting one equal to the host", () => {
    const jar = new CookieJar();
    assert.match(jar.setCookie("a=1; Domain=co.uk", "https://x.co.uk/").rejected!, /public suffix/);
    assert.match(
      jar.setCookie("a=1; Domain=github.io", "https://x.github.io/").rejected!,
      /public suffix/,
    );
    const r = jar.setCookie("a=1; Domain=github.io", "https://github.io/");
    assert.equal(r.cookie?.hostOnly, true);
  });

  it("checks the __Secure- and __Host- prefixes case-insensitively, and nameless look-alikes", () => {
    const jar = new CookieJar();
    const url = "https://example.org/a/";
    assert.ok(jar.setCookie("__Secure-a=1; Secure", url).cookie);
    assert.match(jar.setCookie("__secure-b=1", url).rejected!, /__Secure-/);
    assert.ok(jar.setCookie("__Host-c=1; Secure; Path=/", url).cookie);
    assert.match(jar.setCookie("__HOST-d=1; Secure", url).rejected!, /Path=\//);
    assert.match(
      jar.setCookie("__Host-e=1; Secure; Path=/; Domain=example.org", url).rejected!,
      /Domain/,
    );
    assert.match(jar.setCookie("__Host-f", url).rejected!, /Nameless/);
    assert.match(jar.setCookie("__Http-g", url).rejected!, /Nameless/);
  });

  it("checks the __Http- and __Host-Http- prefixes (Secure and HttpOnly; __Host- rules)", () => {
    const jar = new CookieJar();
    const url = "https://www.example.org/a/";
    assert.ok(jar.setCookie("__Http-a=1; Secure; HttpOnly; Domain=example.org", url).cookie);
    assert.match(
      jar.setCookie("__Http-b=1; Secure", url).rejected!,
      /__Http- cookie without HttpOnly/,
    );
    assert.match(
      jar.setCookie("__http-c=1; HttpOnly", url).rejected!,
      /__Http- cookie without Secure/,
    );
    assert.ok(jar.setCookie("__Host-Http-d=1; Secure; HttpOnly; Path=/", url).cookie);
    assert.match(
      jar.setCookie("__Host-Http-e=1; Secure; Path=/", url).rejected!,
      /__Host-Http- cookie without HttpOnly/,
    );
    assert.match(
      jar.setCookie("__host-http-f=1; Secure; HttpOnly; Path=/; Domain=example.org", url).rejected!,
      /__Host-Http- cookie with a Domain attribute/,
    );
    assert.match(
      jar.setCookie("__Http-g=1; Secure; HttpOnly", url, { httpOnly: false }).rejected!,
      /HttpOnly cookie set from a non-HTTP API/,
    );
  });

  it("refuses a Domain attribute ending in a dot, also on an IP address", () => {
    const jar = new CookieJar();
    assert.match(
      jar.setCookie("a=1; Domain=127.0.0.1.", "http://127.0.0.1/").rejected!,
      /ends with a dot/,
    );
    assert.match(
      jar.setCookie("a=1; Domain=example.org.", "http://www.example.org/").rejected!,
      /ends with a dot/,
    );
    assert.ok(jar.setCookie("a=1; Domain=.127.0.0.1", "http://127.0.0.1/").cookie?.hostOnly);
  });

  it("keeps percent-escapes of the request path in the default path", () => {
    const jar = new CookieJar();
    jar.setCookie("a=1", "http://example.org/%61b/c");
    assert.equal(jar.cookieHeader("http://example.org/%61b/x"), "a=1");
    assert.equal(jar.cookieHeader("http://example.org/ab/x"), "");
  });

  it("needs Secure for SameSite=None and for Partitioned", () => {
    const jar = new CookieJar();
    assert.match(jar.setCookie("a=1; SameSite=None", "https://x.test/").rejected!, /SameSite=None/);
    assert.match(jar.setCookie("a=1; Partitioned", "https://x.test/").rejected!, /Partitioned/);
  });

  it("hides HttpOnly cookies from non-HTTP access and refuses them from it", () => {
    const jar = new CookieJar();
    jar.setCookie("h=1; HttpOnly", "https://x.test/");
    jar.setCookie("p=2", "https://x.test/");
    assert.equal(jar.cookieHeader("https://x.test/", { httpOnly: false }), "p=2");
    assert.match(
      jar.setCookie("h=3", "https://x.test/", { httpOnly: false }).rejected!,
      /HttpOnly/,
    );
    assert.match(
      jar.setCookie("n=3; HttpOnly", "https://x.test/", { httpOnly: false }).rejected!,
      /HttpOnly/,
    );
  });

  it("refuses cookies for schemes that cannot carry them", () => {
    const jar = new CookieJar();
    assert.match(jar.setCookie("a=1", "ftp://x.test/").rejected!, /ftp/);
    assert.equal(jar.cookieHeader("file:///tmp/x"), "");
  });

  it("updates the last access time at most once a minute, telling listeners", () => {
    const { jar, advance } = clockJar();
    let touched = 0;
    jar.onTouch(() => touched++);
    jar.setCookie("a=1", "https://x.test/");
    jar.cookieHeader("https://x.test/");
    assert.equal(touched, 0);
    advance(61_000);
    jar.cookieHeader("https://x.test/");
    jar.cookieHeader("https://x.test/");
    assert.equal(touched, 1);
  });

  it("removes by URL and name across partitions", () => {
    const jar = new CookieJar();
    jar.setCookie("a=1; Secure; Partitioned", "https://x.test/", {
      partitionKey: "https://top.test",
    });
    jar.setCookie("a=2", "https://x.test/");
    jar.setCookie("b=3", "https://x.test/");
    assert.equal(jar.remove("https://x.test/", "a"), 2);
    assert.deepEqual(jar.all().map((c) => c.name), ["b"]);
  });
});
