// Without a permission handler a Chromium-backed session grants what its pages ask, as Electron
// approves every permission request by default (docs/tutorial/security.md); a handler's answers
// replace that, and removing the last handler brings the default back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { needs } from "../../_system.ts";
import { htmlPage, pageRig } from "./_browser_site.ts";

needs("chromium");

/** What the page's Notification and Permissions APIs answer. */
const ASK = "Promise.all([Notification.requestPermission(), " +
  "navigator.permissions.query({ name: 'geolocation' }).then((s) => s.state)])";

describe("permissions of a Chromium-backed session without a handler", () => {
  const rig = pageRig("chromium-permission-default", () => htmlPage("permissions"));
  it("are granted; a handler's answers replace that; removing it grants again", async () => {
    const { browser, server, partition } = rig;
    const ses = await browserSession(browser, partition);
    const page = await ses.pages.open(`${server.url}/`);
    assert.deepEqual(await page.evaluate(ASK), ["granted", "granted"]);
    ses.setPermissionRequestHandler((_webContents, permission, callback) => {
      callback(permission !== "notifications");
    });
    await page.goto(`${server.url}/handled`);
    assert.deepEqual(await page.evaluate(ASK), ["denied", "granted"]);
    // Electron reads the answers by truthiness (gin's bool converter): 1 grants, 0 denies; and
    // the callback is one-time: a second call throws.
    let second: unknown = null;
    ses.setPermissionRequestHandler((_webContents, permission, callback) => {
      callback((permission !== "notifications" ? 1 : 0) as unknown as boolean);
      try {
        callback(true);
      } catch (error) {
        second ??= error;
      }
    });
    await page.goto(`${server.url}/truthy`);
    assert.deepEqual(await page.evaluate(ASK), ["denied", "granted"]);
    assert.equal(
      (second as TypeError | null)?.message,
      "One-time callback was called more than once",
    );
    ses.setPermissionRequestHandler(null);
    ses.setPermissionCheckHandler((_webContents, permission) =>
      (permission === "notifications" ? "" : "yes") as unknown as boolean
    );
    await page.goto(`${server.url}/checked`);
    assert.deepEqual(await page.evaluate(ASK), ["denied", "granted"]);
    ses.setPermissionCheckHandler(null);
    await page.goto(`${server.url}/default-again`);
    assert.deepEqual(await page.evaluate(ASK), ["granted", "granted"]);
    await page.close();
  });
});
