import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hrefParts, urlParts } from "../../../plugins/web-request/_url_parts.ts";

/** Every combination of the URL pieces hrefParts' fast path splits by hand. */
function combinations(): string[] {
  const schemes = ["http", "https", "ws", "wss"];
  const userinfo = ["", "user@", "u:p@", "u%40x:@"];
  const hosts = [
    "a.example",
    "EXAMPLE.com",
    "127.0.0.1",
    "0x7f.1",
    "[::1]",
    "[2001:DB8:0:0::1]",
    "xn--bcher-kva.example",
    "bücher.example",
    "a-b.c_d.example",
  ];
  const ports = ["", ":0", ":80", ":443", ":8443", ":65535"];
  const rests = [
    "",
    "/",
    "/p/q",
    "/a%20b?x=1&y",
    "?q",
    "#f",
    "/p?q#f",
    "/p#f?x",
    "/:@/x",
    "/..//x",
  ];
  const urls: string[] = [];
  for (const s of schemes) {
    for (const u of userinfo) {
      for (const h of hosts) {
        for (const p of ports) for (const r of rests) urls.push(`${s}://${u}${h}${p}${r}`);
      }
    }
  }
  return urls;
}

/** URLs that take urlParts' own path (other schemes, no authority, nested URLs). */
const OTHERS = [
  "ftp://files.example/pub",
  "ftp://files.example:2121/pub?x",
  "file:///etc/hosts",
  "file://host.example/share/a",
  "chrome-extension://abcdefghijklmnopabcdefghijklmnop/page.html?x#y",
  "chrome://settings/",
  "devtools://devtools/bundled/inspector.html",
  "data:text/plain,hi",
  "about:blank",
  "javascript:void(0)",
  "blob:https://a.example/0f7c2d6e-1d1e-4d3f-9a55-2f7c1c1b7a10",
  "filesystem:https://a.example/temporary/dir/file.txt",
  "urn:isbn:0451450523",
];

describe("hrefParts", () => {
  it("splits canonical URLs exactly as urlParts does", () => {
    const urls = [...combinations(), ...OTHERS];
    let compared = 0;
    for (const url of urls) {
      const parsed = URL.parse(url);
      if (!parsed) continue;
      assert.deepEqual(hrefParts(parsed.href), urlParts(parsed.href), parsed.href);
      compared++;
    }
    assert.ok(compared > 8000, `${compared} URLs compared`);
  });

  it("reads userinfo, an IPv6 host, a port and a query, and drops the fragment", () => {
    assert.deepEqual(hrefParts("https://u:p@[::1]:8443/p?q#f"), {
      scheme: "https",
      host: "[::1]",
      port: "8443",
      path: "/p?q",
      hasPath: true,
      isIp: true,
    });
  });

  it("gives the scheme's default port and a root path when the URL names neither", () => {
    const parts = hrefParts("wss://sock.example?x");
    assert.equal(parts?.port, "443");
    assert.equal(parts?.path, "/?x");
    assert.equal(parts?.isIp, false);
  });
});
