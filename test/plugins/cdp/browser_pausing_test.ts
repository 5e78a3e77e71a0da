// A Chromium-backed session pauses its pages' requests (the Fetch domain) only once something
// wants them paused: nothing without listeners or handlers; every request from the first
// webRequest listener on, added after the page opened too (the open page's next fetch included);
// only documents while a permission handler is the only one asking.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import type { BrowserPage } from "../../../plugins/cdp/browser_session.ts";
import { needs } from "../../_system.ts";
import { chromiumRig } from "./_browser_site.ts";

needs("chromium");

/** The resource types of the requests Chromium paused on the page, from now on. */
function pausedOn(page: BrowserPage): string[] {
  const types: string[] = [];
  page.session.on("Fetch.requestPaused", (event) => types.push(event.resourceType));
  return types;
}

describe("a Chromium-backed session pauses page requests only when something wants them", () => {
  const rig = chromiumRig();
  const fresh = async () => {
    const partition = `chromium-pausing-${Math.random().toString(36).slice(2)}`;
    rig.partitions.push(partition);
    return await browserSession(rig.browser, partition);
  };

  it("without listeners nothing is paused; a listener added after the page opened sees the next load", async () => {
    const ses = await fresh();
    const page = await ses.pages.open();
    const paused = pausedOn(page);
    await page.goto(`${rig.site.url}/`);
    assert.equal(await page.evaluate("window.scriptRan"), true);
    assert.ok(rig.site.paths.includes("/script.js"), rig.site.paths.join(" "));
    assert.equal(paused.length, 0, `paused without a listener: ${paused.join(" ")}`);

    const seen: string[] = [];
    ses.webRequest.onBeforeRequest({ urls: [`${rig.site.url}/*`] }, (details, callback) => {
      seen.push(`${details.resourceType} ${new URL(details.url).pathname}`);
      callback({ cancel: new URL(details.url).pathname === "/script.js" });
    });
    // the page's own next request (its document was loaded without interception) is seen too
    assert.equal(await page.evaluate("fetch('/echo?now').then((r) => r.status)"), 200);
    assert.ok(seen.includes("xhr /echo"), seen.join(", "));
    await page.goto(`${rig.site.url}/?again`);
    assert.ok(seen.includes("mainFrame /"), seen.join(", "));
    assert.ok(seen.includes("script /script.js"), seen.join(", "));
    assert.notEqual(await page.evaluate("window.scriptRan"), true, "the listener blocked it");
    assert.ok(paused.includes("Document") && paused.includes("Script"), paused.join(" "));
  });

  it("a permission handler set after the page opened pauses documents only and decides for the next one", async () => {
    const ses = await fresh();
    const page = await ses.pages.open(`${rig.site.url}/echo`);
    assert.equal(await page.evaluate("Notification.permission"), "granted", "Electron's default");
    const paused = pausedOn(page);
    ses.setPermissionCheckHandler((_webContents, permission, origin) =>
      !(permission === "notifications" && origin === rig.site.url)
    );
    await page.goto(`${rig.site.url}/`);
    assert.equal(await page.evaluate("Notification.permission"), "denied");
    assert.equal(await page.evaluate("window.scriptRan"), true);
    assert.deepEqual(paused, ["Document"], "only the document was paused");
  });
});
