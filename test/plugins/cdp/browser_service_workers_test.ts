// `ses.serviceWorkers` of a Chromium-backed session tells `running-status-changed` as Electron
// documents it: one argument, an Event that carries `versionId` and `runningStatus`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { needs } from "../../_system.ts";
import { chromiumRig, eventually } from "./_browser_site.ts";

needs("chromium");

describe("serviceWorkers events of a Chromium-backed session", () => {
  const rig = chromiumRig();

  it("running-status-changed's one argument carries versionId and runningStatus", async () => {
    const partition = `chromium-service-workers-${Math.random().toString(36).slice(2)}`;
    rig.partitions.push(partition);
    const ses = await browserSession(rig.browser, partition);
    const told: Array<{ versionId: unknown; runningStatus: unknown; more: number }> = [];
    ses.serviceWorkers.on("running-status-changed", (details, ...more: unknown[]) => {
      const { versionId, runningStatus } = details as unknown as {
        versionId: unknown;
        runningStatus: unknown;
      };
      told.push({ versionId, runningStatus, more: more.length });
    });
    const page = await ses.pages.open(`${rig.site.url}/sw-page`);
    assert.equal(await page.evaluate("window.registered"), `${rig.site.url}/`);
    await eventually(() => told.some((t) => t.runningStatus === "running"), "a running status");
    const running = told.find((t) => t.runningStatus === "running")!;
    assert.equal(typeof running.versionId, "number");
    assert.equal(running.more, 0, "no second argument");
    assert.ok(Object.hasOwn(ses.serviceWorkers.getAllRunning(), running.versionId as number));
  });
});
