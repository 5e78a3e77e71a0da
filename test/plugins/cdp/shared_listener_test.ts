// One test body, two sessions: the same webRequest listener code decides the same way for a
// library session's ses.fetch and for a Chromium-backed session's page traffic.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import type { WebRequestMembers } from "../../../plugins/web-request/mod.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { needs } from "../../_system.ts";
import { chromiumRig } from "./_browser_site.ts";

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
  const rig = chromiumRig();

  it("library session (ses.fetch)", async () => {
    const partition = `shared-listener-library-${Math.random()}`;
    rig.partitions.push(partition);
    const ses = session.fromPartition(partition, { preset: false, plugins: [webRequestPlugin] });
    await exercise(ses, rig.site.url, async (path) => {
      try {
        const response = await ses.fetch(`${rig.site.url}${path}`);
        return { ok: true, text: await response.text() };
      } catch {
        return { ok: false, text: "" };
      }
    });
  });

  it("Chromium-backed session (page fetch)", async () => {
    const partition = `shared-listener-chromium-${Math.random()}`;
    rig.partitions.push(partition);
    const ses = await browserSession(rig.browser, partition);
    const page = await ses.pages.open(`${rig.site.url}/cookies`);
    await exercise(ses, rig.site.url, (path) =>
      page.evaluate(
        `fetch(${
          JSON.stringify(path)
        }).then(async (r) => ({ ok: true, text: await r.text() }), () => ({ ok: false, text: "" }))`,
      ));
  });
});
