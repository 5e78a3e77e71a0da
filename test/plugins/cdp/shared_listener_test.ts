// One test body, two sessions: the same webRequest listener code decides the same way for a
// library session's ses.fetch and for a Chromium-backed session's page traffic.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import type { WebRequestMembers } from "../../../plugins/web-request/mod.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { needs } from "../../_system.ts";
import { type BrowserSite, startBrowserSite } from "./_browser_site.ts";

needs("chromium");

/** Loads a path of the site: ok and the body text, or not ok. */
type Get = (path: string) => Promise<{ ok: boolean; text: string }>;

/** The shared body: the listeners, then three requests and what the listeners saw. */
async function exercise(ses: WebRequestMembers, base: string, get: Get) {
  const errors: string[] = [];
  ses.webRequest.onBeforeRequest({ urls: [`${base}/*`] }, (details, callback) => {
    const path = new URL(details.url).pathname;
    if (path === "/blocked.png") return callback({ cancel: true });
    if (path === "/old.css") return callback({ redirectURL: `${base}/new.css` });
    callback({});
  });
  ses.webRequest.onBeforeSendHeaders({ urls: [`${base}/echo`] }, (details, callback) => {
    callback({ requestHeaders: { ...details.requestHeaders, "X-Shared": "1" } });
  });
  ses.webRequest.onErrorOccurred({ urls: [`${base}/*`] }, (details) => {
    errors.push(`${new URL(details.url).pathname} ${details.error}`);
  });
  const blocked = await get("/blocked.png");
  assert.equal(blocked.ok, false);
  const echo = await get("/echo");
  assert.equal(JSON.parse(echo.text)["x-shared"], "1");
  const css = await get("/old.css");
  assert.match(css.text, /rgb\(1, 2, 3\)/);
  for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(errors, ["/blocked.png net::ERR_BLOCKED_BY_CLIENT"]);
}

describe("the same webRequest listeners on a library session and on a Chromium-backed one", () => {
  let site: BrowserSite;
  let browser: CdpBrowser;
  const partitions: string[] = [];
  before(async () => {
    site = await startBrowserSite();
    browser = await launch({ pipe: true });
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    await site?.close();
  });

  it("library session (ses.fetch)", async () => {
    const partition = `shared-listener-library-${Math.random()}`;
    partitions.push(partition);
    const ses = session.fromPartition(partition, { preset: false, plugins: [webRequestPlugin] });
    await exercise(ses, site.url, async (path) => {
      try {
        const response = await ses.fetch(`${site.url}${path}`);
        return { ok: true, text: await response.text() };
      } catch {
        return { ok: false, text: "" };
      }
    });
  });

  it("Chromium-backed session (page fetch)", async () => {
    const partition = `shared-listener-chromium-${Math.random()}`;
    partitions.push(partition);
    const ses = await browserSession(browser, partition);
    const page = await ses.pages.open(`${site.url}/cookies`);
    await exercise(ses, site.url, (path) =>
      page.evaluate(
        `fetch(${
          JSON.stringify(path)
        }).then(async (r) => ({ ok: true, text: await r.text() }), () => ({ ok: false, text: "" }))`,
      ));
  });
});
