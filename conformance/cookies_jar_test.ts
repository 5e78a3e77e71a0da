/**
 * The conformance corpora against the jar alone (no HTTP), including the three cases that no
 * HTTP response can carry (NUL, CR and LF inside a header value) and are skipped in
 * cookies_http_state_test.ts and cookies_wpt_test.ts for that reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../plugins/cookies/_tldts.ts";
import { CookieJar } from "../plugins/cookies/jar.ts";
import { corpus } from "./_cookie_server.ts";

interface ParserCase {
  test: string;
  received: string[];
  sent: Array<{ name: string; value: string }>;
  "sent-to"?: string;
}

const parser = corpus<ParserCase[]>("http-state-parser.json");
const wpt = corpus<
  Array<
    {
      name: string;
      kind: string;
      expected?: string;
      setUrl?: string;
      readUrl?: string;
      setCookieHeaders?: string[];
    }
  >
>("wpt-cookies.json");

describe("corpus cases no HTTP response can carry, against the jar", () => {
  for (const name of ["DISABLED_CHROMIUM0022", "DISABLED_CHROMIUM0023"]) {
    it(name, () => {
      const c = parser.find((p) => p.test === name)!;
      const jar = new CookieJar();
      const setUrl = `http://home.example.org:8888/cookie-parser?${c.test}`;
      for (const line of c.received) jar.setCookie(line, setUrl);
      const expected = c.sent.map((p) => `${p.name}=${p.value}`).join("; ");
      assert.equal(
        jar.cookieHeader(`http://home.example.org:8888/cookie-parser-result?${c.test}`),
        expected,
      );
    });
  }
  it("WPT: Set cookie but ignore value after LF", () => {
    const c = wpt.find((w) => w.name === "Set cookie but ignore value after LF")!;
    const jar = new CookieJar();
    for (const line of c.setCookieHeaders!) jar.setCookie(line, c.setUrl!);
    assert.equal(jar.cookieHeader(c.readUrl!), c.expected);
  });
});
