/**
 * What the plugin reads before nspell does: the language table, Hunspell files (encodings and the
 * checks that tell a dictionary from something else) and the homonym repair.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decodeHunspell,
  dictionaryRegionOf,
  LanguageChecker,
  spellcheckLanguageFor,
} from "../../../plugins/spellcheck/mod.ts";
import { defaultLanguages } from "../../../plugins/spellcheck/languages.ts";
import { repairHomonyms } from "../../../plugins/spellcheck/_homonyms.ts";

describe("the language table", () => {
  it("maps codes and language-regions as Chromium does, case-sensitively", () => {
    assert.equal(spellcheckLanguageFor("de-DE"), "de-DE");
    assert.equal(spellcheckLanguageFor("nb-NO"), "nb");
    assert.equal(spellcheckLanguageFor("EN-US"), null);
    assert.equal(spellcheckLanguageFor("en"), null);
    assert.equal(dictionaryRegionOf("pt"), "pt-BR");
    assert.equal(dictionaryRegionOf("en-AU"), "en-AU");
  });

  it("default languages follow the locale, else en-US", () => {
    assert.deepEqual(defaultLanguages("fr-CA"), ["fr"]);
    assert.deepEqual(defaultLanguages("en-GB"), ["en-GB"]);
    assert.deepEqual(defaultLanguages("en"), ["en-US"]);
    assert.deepEqual(defaultLanguages(undefined), ["en-US"]);
  });
});

describe("decodeHunspell", () => {
  const latin1 = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));

  it("decodes with the encoding the .aff names (SET)", () => {
    const aff = latin1("SET ISO8859-1\nTRY aeé\n");
    const dic = latin1("1\ncafé\n");
    const text = decodeHunspell({ aff, dic }, "fr");
    assert.equal(text.dic, "1\ncafé\n");
    assert.ok(new LanguageChecker("fr", text).correct("café"));
  });

  it("refuses invalid UTF-8, a .bdic file, an HTML page and a word list without its count", () => {
    const aff = "SET UTF-8\n";
    assert.throws(
      () => decodeHunspell({ aff, dic: new Uint8Array([0x31, 0x0a, 0xc3, 0x28]) }, "it"),
      /The it \.dic file is not valid UTF-8/,
    );
    assert.throws(
      () =>
        decodeHunspell({ aff: new Uint8Array([0x42, 0x44, 0x69, 0x63, 0]), dic: "1\na\n" }, "it"),
      /\.aff file is a Chromium \.bdic dictionary/,
    );
    assert.throws(
      () => decodeHunspell({ aff: "<html></html>", dic: "1\na\n" }, "it"),
      /not a Hunspell affix file/,
    );
    assert.throws(
      () => decodeHunspell({ aff, dic: "a\nb\n" }, "it"),
      /first line must be the word count/,
    );
    assert.throws(
      () => decodeHunspell({ aff: latin1("SET KOI9-Z\n"), dic: latin1("1\na\n") }, "it"),
      /unknown encoding: KOI9-Z/,
    );
  });
});

describe("repairHomonyms", () => {
  it("drops ONLYINCOMPOUND/NEEDAFFIX from a homonym when another entry has neither", () => {
    const aff = "ONLYINCOMPOUND o\nNEEDAFFIX h\n";
    assert.equal(
      repairHomonyms(aff, "3\nlaufen/DX\nlaufen/Soh\nBaum/o\n"),
      "3\nlaufen/DX\nlaufen/S\nBaum/o\n",
    );
  });

  it("reads long and numeric flags, and leaves a list without homonyms alone", () => {
    assert.equal(
      repairHomonyms("FLAG long\nONLYINCOMPOUND Xo\n", "2\nab/AaXo\nab/Bb\n"),
      "2\nab/Aa\nab/Bb\n",
    );
    assert.equal(
      repairHomonyms("FLAG num\nONLYINCOMPOUND 7\n", "2\nab/1,7\nab/2\n"),
      "2\nab/1\nab/2\n",
    );
    const dic = "2\nab/o\ncd\n";
    assert.equal(repairHomonyms("ONLYINCOMPOUND o\n", dic), dic);
  });

  it("makes nspell accept a word Hunspell accepts (German schreiben)", () => {
    const aff = "SET UTF-8\nONLYINCOMPOUND o\nSFX S Y 1\nSFX S 0 s .\n";
    const dic = "2\nschreiben/D\nschreiben/So\n";
    const checker = new LanguageChecker("de", { aff, dic });
    assert.equal(checker.correct("schreiben"), true);
  });
});
