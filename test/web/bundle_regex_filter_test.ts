// The browser bundle matches regexFilter with RE2 too (#15): a ReDoS-shaped rule meets a crafted
// URL in headless Chromium and the page answers; RE2-refused syntax is refused there as well.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";
import { needs } from "../_system.ts";

needs("chromium");

const html = `<!doctype html><meta charset="utf-8"><title>websession regexFilter</title>
<script type="module">
  import { session } from "/websession.js";
  window.run = async () => {
    const ses = session.fromPartition("regex");
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 1, condition: { regexFilter: "/api/(a+)+$" }, action: { type: "block" } }],
    });
    const crafted = await ses.fetch("/api/" + "a".repeat(5000) + "!");
    let blocked = null;
    try { await ses.fetch("/api/aaaa"); } catch (e) { blocked = e.code; }
    let refused = null;
    try {
      await ses.declarativeNetRequest.updateSessionRules({
        addRules: [{ id: 2, condition: { regexFilter: "(?<=a)b" }, action: { type: "block" } }],
      });
    } catch (e) { refused = e.message; }
    const posix = await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 3, condition: { regexFilter: "/api/[[:digit:]]+$" }, action: { type: "block" } }],
    }).then(() => ses.fetch("/api/42")).then(() => "not blocked", (e) => e.code);
    return { status: crafted.status, text: await crafted.text(), blocked, refused, posix };
  };
</script>`;

let page: BundlePage;

before(async () => {
  page = await startBundlePage(html, (request) => {
    return new Response(`length ${new URL(request.url).pathname.length}`);
  });
});

after(async () => {
  await page?.close();
});

describe("the browser bundle's regexFilter", () => {
  it("matches in linear time, refuses what RE2 refuses, takes RE2's syntax", async () => {
    const result = await page.run() as Record<string, unknown>;
    assert.equal(result.status, 200);
    assert.equal(result.text, "length 5006");
    assert.equal(result.blocked, "net::ERR_BLOCKED_BY_CLIENT");
    assert.match(
      String(result.refused),
      /Rule with id 2 specifies an incorrect value for the "regexFilter" key\./,
    );
    assert.equal(result.posix, "net::ERR_BLOCKED_BY_CLIENT");
  });
});
