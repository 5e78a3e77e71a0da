import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HopRequest } from "../../kernel/http/hop_request.ts";
import { parseUrl, type UrlParts } from "../../kernel/http/url_parts.ts";

const PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

/** What URL itself says. */
function reference(url: string): UrlParts | null {
  const u = URL.parse(url);
  if (u === null) return null;
  const scheme = u.protocol.slice(0, -1);
  const port = u.port === "" ? PORTS[scheme] ?? -1 : Number(u.port);
  return { scheme, host: u.hostname, port, path: u.pathname, query: u.search };
}

const URLS = [
  "https://a.example/",
  "https://a.example:8443/p/q?x=1&y#frag",
  "https://a.b.example.com:8443/x?y#z",
  "http://user:pw@a.example:80/p",
  "http://u:p@example.com/",
  "http://127.0.0.1:9/",
  "http://1.2.3.4/",
  "http://1.2.3/",
  "http://host.123/",
  "http://0x7f.1/",
  "http://[::1]:8080/x?y",
  "http://[2607:f8b0:4005:805::200e]/",
  "wss://sock.example/chat",
  "ws://sock.example:81",
  "wss://chat.example:443/",
  "https://xn--oogle-qmc.com/a%20b",
  "http://xn--bcher-kva.ch/",
  "https://EXAMPLE.com/UPPER?Q",
  "HTTP://Example.org/./x/../y",
  "http://example.com:80/",
  "http://example.com:/",
  "http://example.com:0080/",
  "http://example.com:99999/",
  "http://example.com:65535/",
  "http://a..b/",
  "http://example.com./",
  "http://.example.com/",
  "http://-a-.example/",
  "http://exa%41mple.com/",
  "http://a.test/f%6Fo/%41%2F",
  "http://a.test/%2e/x",
  "http://a.test/a/%2E%2E/b",
  "http://a.test/.well-known/x",
  "http://a.test/a b",
  "http://a.test/a\\b",
  "http://a.test/a?b c",
  "http://a.test/a?b'c",
  'http://a.test/a?b"c',
  "http://a.test/a?{b}|^`",
  "http://a.test/a[b]",
  "http://a.test/é?é",
  "http://a.test?q",
  "http://a.test#f",
  "http://a.test/?",
  "http://a.test/?#",
  "http://a.test/x#a b",
  " http://a.test/",
  "http://a.test/ ",
  "http://a.test\t/x",
  "http://under_score.test/",
  "http://a.test@b.test/",
  "ftp://files.example/pub",
  "file:///etc/hosts",
  "data:text/plain,hi",
  "app://bundle/index.html?x",
  "about:blank",
  "chrome-extension://abc/x",
  "not a url",
  "",
];

describe("parseUrl", () => {
  it("agrees with URL on every input, split by hand or not", () => {
    for (const url of URLS) assert.deepEqual(parseUrl(url), reference(url), JSON.stringify(url));
  });

  it("agrees with URL on generated canonical and near-canonical URLs", () => {
    const hosts = ["a.test", "A.test", "10.0.0.1", "10.1", "[::1]", "x-y.z", "xn--a.b", "a_b.c"];
    const ports = ["", ":8080", ":443", ":", ":99999", ":1x"];
    const paths = ["", "/", "/a/b", "/a/./b", "/%7E", "/a%2f", "/~!$&'()*+,;=:@", "/<>"];
    const queries = ["", "?", "?a=1&b=2", "?a b", "?<x>", "?%zz"];
    let n = 0;
    for (const scheme of ["http", "https", "ws", "wss"]) {
      for (const host of hosts) {
        for (const port of ports) {
          for (const path of paths) {
            for (const query of queries) {
              const url = `${scheme}://${host}${port}${path}${query}#f`;
              assert.deepEqual(parseUrl(url), reference(url), url);
              n++;
            }
          }
        }
      }
    }
    assert.equal(n, 4 * 8 * 6 * 8 * 6);
  });
});

describe("a request's urlParts", () => {
  it("are parsed once per hop and follow the URL", () => {
    const request = new HopRequest(1, 0, {
      url: "https://a.test/x?y",
      method: "GET",
      headers: new Headers(),
      body: null,
    });
    const first = request.urlParts;
    assert.equal(request.urlParts, first);
    assert.deepEqual(first, {
      scheme: "https",
      host: "a.test",
      port: 443,
      path: "/x",
      query: "?y",
    });
    request.url = "http://b.test:8080/";
    assert.notEqual(request.urlParts, first);
    assert.equal(request.urlParts.host, "b.test");
    assert.equal(request.urlParts.port, 8080);
  });

  it("throw a TypeError naming the URL when it is not one", () => {
    const request = new HopRequest(1, 0, {
      url: "nope",
      method: "GET",
      headers: new Headers(),
      body: null,
    });
    assert.throws(() => request.urlParts, { name: "TypeError", message: 'Invalid URL "nope"' });
  });
});
