// One onHeadersReceived listener, two sessions: the Set-Cookie lines it removes and adds decide
// the jar alike for a library session's ses.fetch and a Chromium-backed session's page fetch
// (Chromium stores a response's cookies from the headers as the listeners left them).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { type WebRequestMembers, webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { needs } from "../../_system.ts";
import { chromiumRig } from "./_browser_site.ts";

needs("chromium");

/** What both sessions have: webRequest and a cookie jar to read. */
type Jarred = WebRequestMembers & {
  cookies: { get(filter: { url: string }): Promise<{ name: string; value: string }[]> };
};

/** The shared listener: drops `dropped`, adds `added`, keeps the rest of the Set-Cookie lines. */
function rewriteCookies(ses: Jarred, base: string): { shown: boolean } {
  const seen = { shown: false };
  ses.webRequest.onHeadersReceived({ urls: [`${base}/set-cookies`] }, (details, callback) => {
    const headers: Record<string, string[]> = {};
    let lines: string[] = [];
    const received = (details.responseHeaders ?? {}) as Record<string, string[]>;
    for (const [name, values] of Object.entries(received)) {
      if (name.toLowerCase() === "set-cookie") lines = lines.concat(values);
      else headers[name] = values;
    }
    seen.shown ||= lines.some((line) => line.startsWith("dropped="));
    lines = lines.filter((line) => !line.startsWith("dropped="));
    headers["set-cookie"] = [...lines, "added=1; Path=/"];
    callback({ responseHeaders: headers });
  });
  return seen;
}

async function jar(ses: Jarred, base: string): Promise<string[]> {
  const cookies = await ses.cookies.get({ url: base });
  return cookies.map((c) => `${c.name}=${c.value}`).sort();
}

describe("one onHeadersReceived listener's Set-Cookie changes on both kinds of session", () => {
  const rig = chromiumRig();

  it("library session (ses.fetch)", async () => {
    const partition = `shared-cookie-library-${Math.random()}`;
    rig.partitions.push(partition);
    const ses = session.fromPartition(partition, {
      preset: false,
      plugins: [webRequestPlugin, cookiesPlugin],
    });
    await ses.ready;
    rewriteCookies(ses, rig.site.url);
    await (await ses.fetch(`${rig.site.url}/set-cookies`)).text();
    assert.deepEqual(await jar(ses, rig.site.url), ["added=1", "kept=1"]);
  });

  it("Chromium-backed session (page fetch)", async () => {
    const partition = `shared-cookie-chromium-${Math.random()}`;
    rig.partitions.push(partition);
    const ses = await browserSession(rig.browser, partition);
    const page = await ses.pages.open(`${rig.site.url}/cookies`);
    const seen = rewriteCookies(ses, rig.site.url);
    // Chromium tells a response's Set-Cookie lines in responseReceivedExtraInfo, which on a
    // loaded machine now and then comes after the pause (README): a line the listener was not
    // shown is not its to drop. Tried until it is shown, at most five times.
    for (let attempt = 1; !seen.shown && attempt <= 5; attempt++) {
      await ses.clearStorageData({ storages: ["cookies"] });
      await page.evaluate(`fetch("/set-cookies").then((r) => r.text())`);
    }
    assert.ok(seen.shown, "the listener was shown the Set-Cookie lines in five tries");
    assert.deepEqual(await jar(ses, rig.site.url), ["added=1", "kept=1"]);
  });
});
