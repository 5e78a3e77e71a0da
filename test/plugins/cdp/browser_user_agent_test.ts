// `ses.getUserAgent()` of a Chromium-backed session answers the browser's own user agent before
// any `setUserAgent` (as Electron's answers its default), the one its pages send.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs } from "../../_system.ts";

needs("chromium");

let browser: CdpBrowser;
let server: TestServer;
const partition = `chromium-user-agent-${Math.random().toString(36).slice(2)}`;
/** The User-Agent of the last request to each path (a favicon request may come late). */
const sent = new Map<string, string>();

describe("getUserAgent on a Chromium-backed session", () => {
  before(async () => {
    server = await serve((request) => {
      sent.set(new URL(request.url).pathname, request.headers.get("user-agent") ?? "");
      return new Response("<!doctype html><title>ua</title>", {
        headers: { "content-type": "text/html" },
      });
    });
    browser = await launch({ pipe: true });
  });
  after(async () => {
    await session.closePartition(partition);
    await browser?.close();
    await server?.close();
  });

  it("answers the user agent the pages send, then the one setUserAgent set", async () => {
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
