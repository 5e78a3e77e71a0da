// The same dictionary site through headless Chromium and through a session: Chromium decodes the
// site's dcz answers (so the test site's format is Chromium's), and both announce the dictionary
// with the same Available-Dictionary and Dictionary-ID.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";
import { type DictionarySite, NEXT_VERSION, startDictionarySite } from "./_dictionary_site.ts";

needs("chromium", "zstd");

let browser: CdpBrowser;
let site: DictionarySite;
before(async () => {
  site = await startDictionarySite();
  browser = await launch({ pipe: true });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

describe("shared dictionaries: websession against Chromium", () => {
  it("announces the dictionary Chromium announces, for a body Chromium decodes", async () => {
    const partition = `dictionary-chromium-${Math.random().toString(36).slice(2)}`;
    const page = await (await browserSession(browser, partition)).pages.open(`${site.url}/`);
    await page.evaluate(`fetch("/js/app.v1.js").then((r) => r.text())`);
    // Chromium writes the dictionary once the body is read; its next request may come first.
    let text = "";
    for (let attempt = 0; attempt < 50; attempt++) {
      text = await page.evaluate<string>(`fetch("/js/app.v2.js?chromium").then((r) => r.text())`);
      if (site.seen.get("/js/app.v2.js?chromium")!.at(-1)!["available-dictionary"]) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const chromium = site.seen.get("/js/app.v2.js?chromium")!.at(-1)!;
    assert.equal(chromium["available-dictionary"], site.availableDictionary);
    assert.match(String(chromium["accept-encoding"]), /\bdcz\b/);
    assert.equal(text, new TextDecoder().decode(NEXT_VERSION), "Chromium decoded the dcz body");

    const ses = session.fromPartition(`${partition}-library`);
    await (await ses.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    assert.equal(
      await (await ses.fetch(`${site.url}/js/app.v2.js?websession`)).text(),
      new TextDecoder().decode(NEXT_VERSION),
    );
    const ours = site.seen.get("/js/app.v2.js?websession")!.at(-1)!;
    assert.equal(ours["available-dictionary"], chromium["available-dictionary"]);
    assert.equal(ours["dictionary-id"], chromium["dictionary-id"]);
  });
});
