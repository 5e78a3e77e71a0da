// `ses.getUserAgent()` of a Chromium-backed session answers the browser's own user agent before
// any `setUserAgent` (as Electron's answers its default), the one its pages send.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { needs } from "../../_system.ts";
import { htmlPage, pageRig } from "./_browser_site.ts";

needs("chromium");

/** The User-Agent of the last request to each path (a favicon request may come late). */
const sent = new Map<string, string>();

describe("getUserAgent on a Chromium-backed session", () => {
  const rig = pageRig("chromium-user-agent", (request) => {
    sent.set(new URL(request.url).pathname, request.headers.get("user-agent") ?? "");
    return htmlPage("ua");
  });

  it("answers the user agent the pages send, then the one setUserAgent set", async () => {
    const { browser, server, partition } = rig;
    const ses = await browserSession(browser, partition);
    const agent = ses.getUserAgent();
    const page = await ses.pages.open(`${server.url}/`);
    assert.match(agent, /^Mozilla\/5\.0 .*Chrome\/\d+/);
    assert.equal(agent, sent.get("/"));
    assert.equal(await page.evaluate("navigator.userAgent"), agent);
    ses.setUserAgent("QA/1.0");
    assert.equal(ses.getUserAgent(), "QA/1.0");
    await page.goto(`${server.url}/again`);
    assert.equal(sent.get("/again"), "QA/1.0");
    await page.close();
  });
});
