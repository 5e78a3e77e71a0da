/**
 * The spellchecker in the browser bundle: no dictionary is bundled there, so the page's session
 * downloads en-US from the download URL (here the test server, serving the dictionary-en files)
 * and checks text with it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";

const html = `<!doctype html><meta charset="utf-8"><title>websession spellcheck</title>
<script type="module">
  import { session } from "/websession.js";
  window.run = async () => {
    const ses = session.fromPartition("page-spellcheck");
    const events = [];
    for (const name of ["download-begin", "download-success", "download-failure", "initialized"]) {
      ses.on("spellcheck-dictionary-" + name, (_event, language) => events.push(name + " " + language));
    }
    ses.setSpellCheckerDictionaryDownloadURL(location.origin + "/api/dicts/");
    ses.setSpellCheckerLanguages(["en-US"]);
    const misspelled = await ses.spellChecker.check("Teh quick brown fox jumpd over https://exampel.com");
    const suggestions = await ses.spellChecker.suggest("jumpd", { limit: 3 });
    return { events, misspelled, suggestions };
  };
</script>`;

let page: BundlePage;
const requested: string[] = [];
before(async () => {
  const aff = readFileSync(new URL("../../node_modules/dictionary-en/index.aff", import.meta.url));
  const dic = readFileSync(new URL("../../node_modules/dictionary-en/index.dic", import.meta.url));
  page = await startBundlePage(html, (request) => {
    const { pathname } = new URL(request.url);
    requested.push(pathname);
    if (pathname === "/api/dicts/en-us.aff") return new Response(aff);
    if (pathname === "/api/dicts/en-us.dic") return new Response(dic);
    return new Response("not found", { status: 404 });
  });
});

after(async () => {
  await page?.close();
});

describe("spellcheck in the browser bundle", () => {
  it("downloads the dictionary from the download URL and checks text with it", async () => {
    const result = await page.run() as {
      events: string[];
      misspelled: Array<{ start: number; end: number; word: string }>;
      suggestions: string[];
    };
    assert.deepEqual(result.events, [
      "download-begin en-US",
      "download-success en-US",
      "initialized en-US",
    ]);
    assert.deepEqual(result.misspelled, [
      { start: 0, end: 3, word: "Teh" },
      { start: 20, end: 25, word: "jumpd" },
    ]);
    assert.ok(result.suggestions.includes("jumped"), String(result.suggestions));
    assert.deepEqual(requested.sort(), ["/api/dicts/en-us.aff", "/api/dicts/en-us.dic"]);
  });
});
