// The cookies of a session backed by a real (headless, Debian) Chromium, as Electron's docs read
// `cookies.get`'s filter: an empty url is every URL's cookies.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";

needs("chromium");

let browser: CdpBrowser;
const partition = `chromium-cookies-${Math.random().toString(36).slice(2)}`;

describe("a Chromium-backed session's ses.cookies.get", () => {
  before(async () => {
    browser = await launch({ pipe: true });
  });
  after(async () => {
    await session.closePartition(partition);
    await browser?.close();
  });

  it("retrieves the cookies of every URL for an empty url, as Electron's docs say", async () => {
    const ses = await browserSession(browser, partition);
    await ses.cookies.set({ url: "https://a.example/", name: "a", value: "1" });
    await ses.cookies.set({ url: "https://b.example/", name: "b", value: "2" });
    const names = (await ses.cookies.get({ url: "" })).map((c) => c.name).sort();
    assert.deepEqual(names, ["a", "b"]);
  });
});
