import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hrefParts, urlParts } from "../../../plugins/web-request/_url_parts.ts";

const conformance = JSON.parse(readFileSync(
  fileURLToPath(
    new URL(
      "../../../../shared/conformance/match-patterns/chromium-url-pattern.json",
      import.meta.url,
    ),
  ),
  "utf8",
));

describe("hrefParts", () => {
  it("splits canonical URLs exactly as urlParts does", () => {
    const urls = [
      "https://a.example/",
      "https://a.example:8443/p/q?x=1&y#frag",
      "http://user:pw@a.example:80/p",
      "http://127.0.0.1:9/",
      "http://[::1]:8080/x?y",
      "http://[2607:f8b0:4005:805::200e]/",
      "wss://sock.example/chat",
      "ws://sock.example:81",
      "https://xn--oogle-qmc.com/a%20b",
      "https://EXAMPLE.com/UPPER?Q",
      "ftp://files.example/pub",
      "file:///etc/hosts",
      "data:text/plain,hi",
      ...conformance.pattern_url_matches.map((c: { url: string }) => c.url),
    ];
    let compared = 0;
    for (const url of urls) {
      const parsed = URL.parse(url);
      if (!parsed) continue;
      assert.deepEqual(hrefParts(parsed.href), urlParts(parsed.href), parsed.href);
      compared++;
    }
    assert.ok(compared > 100);
  });
});
