import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { callChrome, closeSessions, fixture, freshSession } from "./_helpers.ts";

after(closeSessions);

describe("chrome.i18n", () => {
  it("getMessage fills $NAME$ placeholders and $1..$9 from the default locale's messages", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_i18n"));
    const message = (...args: unknown[]) => callChrome(ses, ext.id, "i18n.getMessage", ...args);
    assert.equal(
      await message("greeting", ["Ada", "3"]),
      "Hello, Ada! You have 3 new items.",
    );
    // a single string is the first substitution; names are case-insensitive
    assert.equal(await message("GREETING", "Bob"), "Hello, Bob! You have  new items.");
    assert.equal(await message("plain"), "Costs $5 and  is unused");
    assert.equal(await message("positional", ["a", "b"]), "b before a");
    assert.equal(await message("no_such_message"), "");
    assert.equal(await message("positional", [1, 2]), "2 before 1");
    assert.equal(await message("positional", Array(10).fill("x")), undefined);
    await assert.rejects(message(42), /messageName/);
    // Chromium 156: a substitution that is neither a string nor a list is none
    assert.equal(await message("GREETING", 3), "Hello, ! You have  new items.");
    assert.equal(await message("@@extension_id"), ext.id);
    assert.equal(await message("@@bidi_dir"), "ltr");
  });

  it("getUILanguage and getAcceptLanguages answer the UI language", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_i18n"));
    const ui = await callChrome(ses, ext.id, "i18n.getUILanguage") as string;
    assert.match(ui, /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/);
    const accepted = await callChrome(ses, ext.id, "i18n.getAcceptLanguages") as string[];
    assert.ok(Array.isArray(accepted) && accepted.includes(ui), `${accepted} has ${ui}`);
    assert.equal(
      await callChrome(ses, ext.id, "i18n.getMessage", "@@ui_locale"),
      ui.replace("-", "_"),
    );
  });

  it("refuses an extension whose default_locale has no messages.json, or whose manifest names a missing message", async () => {
    const { ses } = await freshSession();
    const { mkdirSync, mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/websession-i18n-`);
    try {
      writeFileSync(
        `${dir}/manifest.json`,
        JSON.stringify({ manifest_version: 3, name: "x", version: "1", default_locale: "de" }),
      );
      await assert.rejects(ses.loadExtension(dir), (error: Error) => {
        assert.equal(error.name, "TypeError");
        assert.match(error.message, /_locales\/de\/messages\.json/);
        return true;
      });
      assert.equal(ses.getAllExtensions().length, 0);
      // a manifest naming a message that is not there
      mkdirSync(`${dir}/_locales/de`, { recursive: true });
      writeFileSync(`${dir}/_locales/de/messages.json`, JSON.stringify({ a: { message: "A" } }));
      writeFileSync(
        `${dir}/manifest.json`,
        JSON.stringify({
          manifest_version: 3,
          name: "__MSG_missing__",
          version: "1",
          default_locale: "de",
        }),
      );
      await assert.rejects(ses.loadExtension(dir), (error: Error) => {
        assert.equal(error.name, "TypeError");
        assert.match(
          error.message,
          /manifest\.json: name: Variable __MSG_missing__ used but not defined/,
        );
        return true;
      });
      assert.equal(ses.getAllExtensions().length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("readMessageCatalog", () => {
  it("lets the UI language's messages win over the default locale's, keeping the rest", async () => {
    const { readMessageCatalog } = await import("../../../plugins/extensions/extension_locales.ts");
    const { readFile } = await import("node:fs/promises");
    const catalog = await readMessageCatalog(
      (path) => readFile(path, "utf8"),
      fixture("mv3_i18n"),
      "en",
      "fr-FR",
    );
    assert.equal(catalog.greeting.message, "Bonjour, $WHO$ !");
    assert.equal(catalog.only_default.message, "from the default locale");
  });
});

describe("__MSG_*__ in the manifest", () => {
  it("gives the Extension object and runtime.getManifest the localized name and description", async () => {
    const { ses } = await freshSession();
    const ext = await ses.loadExtension(fixture("mv3_i18n"));
    assert.equal(ext.name, "Localized name");
    assert.equal(ext.manifest.name, "Localized name");
    const described = `Says from the default locale (${ext.id})`;
    assert.equal(ext.manifest.description, described);
    const manifest = await callChrome(ses, ext.id, "runtime.getManifest") as {
      name: string;
      description: string;
    };
    assert.equal(manifest.name, "Localized name");
    assert.equal(manifest.description, described);
  });
});
