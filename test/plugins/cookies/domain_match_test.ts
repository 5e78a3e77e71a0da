import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../../../plugins/cookies/_tldts.ts";
import {
  canonicalHost,
  domainMatch,
  effectiveDomain,
  isIpAddress,
  isPublicSuffix,
  isTrustworthyHost,
  registrableDomain,
} from "../../../plugins/cookies/domain_match.ts";
import { defaultPath, parseCookieUrl, pathMatch } from "../../../plugins/cookies/cookie_url.ts";

describe("domains", () => {
  it("finds registrable domains with the public suffix list, private registries included", () => {
    assert.equal(registrableDomain("a.b.example.co.uk"), "example.co.uk");
    assert.equal(registrableDomain("foo.github.io"), "foo.github.io");
    assert.equal(effectiveDomain("github.io"), "");
    assert.equal(registrableDomain("127.0.0.1"), "127.0.0.1");
    assert.equal(isPublicSuffix("co.uk"), true);
    assert.equal(isPublicSuffix("example.org"), false);
    assert.equal(isPublicSuffix("127.0.0.1"), false);
  });

  it("domain-matches suffixes on a dot, never IP addresses", () => {
    assert.equal(domainMatch("a.example.org", "example.org"), true);
    assert.equal(domainMatch("example.org", "example.org"), true);
    assert.equal(domainMatch("badexample.org", "example.org"), false);
    assert.equal(domainMatch("1.2.3.4", "2.3.4"), false);
    assert.equal(isIpAddress("::1"), true);
  });

  it("canonicalises hosts and refuses invalid ones", () => {
    assert.equal(canonicalHost("Home.Example.ORG"), "home.example.org");
    assert.equal(canonicalHost("bücher.example"), "xn--bcher-kva.example");
    assert.equal(canonicalHost("home.example.org:8888"), null);
    assert.equal(canonicalHost("  home.example.org"), null);
    assert.equal(canonicalHost('"home.example.org"'), null);
    assert.equal(canonicalHost("home.example.org."), "home.example.org.");
  });

  it("treats localhost and loopback addresses as trustworthy", () => {
    for (const h of ["localhost", "a.localhost", "127.0.0.1", "127.1.2.3", "[::1]"]) {
      assert.equal(isTrustworthyHost(h), true, h);
    }
    for (const h of ["example.org", "128.0.0.1", "localhost.example"]) {
      assert.equal(isTrustworthyHost(h), false, h);
    }
  });
});

describe("URLs and paths", () => {
  it("reads scheme, host and path, the fast way and through URL alike", () => {
    assert.deepEqual(parseCookieUrl("https://www.example.org:8443/a/b?q#f"), {
      scheme: "https",
      host: "www.example.org",
      path: "/a/b",
      secure: true,
    });
    assert.deepEqual(parseCookieUrl("HTTP://Example.org/./x/../y"), {
      scheme: "http",
      host: "example.org",
      path: "/y",
      secure: false,
    });
    assert.equal(parseCookieUrl("http://a.test").path, "/");
    assert.equal(parseCookieUrl("http://1.2.3/").host, "1.2.0.3");
    assert.equal(parseCookieUrl("http://localhost:1/").secure, true);
    // Chromium 156 keeps percent-escapes as the URL spells them (issue #26)
    assert.equal(parseCookieUrl("http://a.test/f%6Fo/%41%2F").path, "/f%6Fo/%41%2F");
    assert.throws(() => parseCookieUrl("no url"), TypeError);
  });

  it("computes default paths and path-matches", () => {
    assert.equal(defaultPath("/"), "/");
    assert.equal(defaultPath("/a"), "/");
    assert.equal(defaultPath("/a/b/c"), "/a/b");
    assert.equal(pathMatch("/a/b", "/a"), true);
    assert.equal(pathMatch("/a/b", "/a/"), true);
    assert.equal(pathMatch("/ab", "/a"), false);
    assert.equal(pathMatch("/a", "/a/"), false);
  });
});
