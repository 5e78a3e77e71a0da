/**
 * Electron's spellchecker members of a session (each member, its errors and return values) and
 * `ses.spellChecker` (check and suggest) with the bundled dictionaries of the default preset.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { MissingPluginError, session } from "../../../mod.ts";
import type { Session } from "../../../mod.ts";
import { spellcheckPlugin } from "../../../entries/spellcheck.ts";
import { createSpellcheckPlugin } from "../../../plugins/spellcheck/plugin.ts";
import { AVAILABLE_LANGUAGES } from "../../../plugins/spellcheck/mod.ts";

let n = 0;
const open: Session[] = [];
function fresh(kind: "memory" | "persist" = "memory") {
  const name = `${kind === "persist" ? "persist:" : ""}spellcheck-api-${Date.now()}-${++n}`;
  const ses = session.fromPartition(name, { preset: false, plugins: [spellcheckPlugin] });
  open.push(ses);
  return ses;
}
function events(ses: Session): string[] {
  const seen: string[] = [];
  for (const name of ["initialized", "download-begin", "download-success", "download-failure"]) {
    ses.on(`spellcheck-dictionary-${name}`, (_event, language: string) => {
      seen.push(`${name} ${language}`);
    });
  }
  return seen;
}
after(async () => {
  for (const ses of open) await session.closePartition(ses.partition);
});

describe("enabled", () => {
  it("is on by default; setSpellCheckerEnabled, isSpellCheckerEnabled and spellCheckerEnabled agree", () => {
    const ses = fresh();
    assert.equal(ses.isSpellCheckerEnabled(), true);
    assert.equal(ses.spellCheckerEnabled, true);
    ses.setSpellCheckerEnabled(false);
    assert.equal(ses.isSpellCheckerEnabled(), false);
    assert.equal(ses.spellCheckerEnabled, false);
    ses.spellCheckerEnabled = true;
    assert.equal(ses.isSpellCheckerEnabled(), true);
  });

  it("refuses a non-boolean with a TypeError", () => {
    const ses = fresh();
    assert.throws(
      () => ses.setSpellCheckerEnabled("yes" as unknown as boolean),
      { name: "TypeError", message: /enable must be a boolean, not string/ },
    );
    assert.throws(() => {
      ses.spellCheckerEnabled = 1 as unknown as boolean;
    }, TypeError);
    assert.equal(ses.isSpellCheckerEnabled(), true);
  });

  it("while off, nothing is misspelled and nothing is suggested", async () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages(["en-US"]);
    ses.setSpellCheckerEnabled(false);
    assert.deepEqual(await ses.spellChecker.check("Thsi is wrnog"), []);
    assert.deepEqual(await ses.spellChecker.suggest("wrnog"), []);
    ses.setSpellCheckerEnabled(true);
    assert.deepEqual((await ses.spellChecker.check("Thsi is wrnog")).map((m) => m.word), [
      "Thsi",
      "wrnog",
    ]);
  });
});

describe("languages", () => {
  it("availableSpellCheckerLanguages is Chromium's list, a fresh copy each time", () => {
    const ses = fresh();
    const list = ses.availableSpellCheckerLanguages;
    assert.equal(list.length, 55);
    for (const code of ["en-US", "en-GB", "de", "de-DE", "fr", "fr-FR", "es", "es-ES", "pt-BR"]) {
      assert.ok(list.includes(code), code);
    }
    assert.ok(!list.includes("sv-SE"));
    list.push("xx");
    assert.equal(ses.availableSpellCheckerLanguages.length, 55);
    assert.deepEqual(list.slice(0, 55), [...AVAILABLE_LANGUAGES]);
  });

  it("set and get, with a language-region mapped to its code as Chromium does", () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages(["en-US", "fr", "sv-SE", "hi-IN"]);
    assert.deepEqual(ses.getSpellCheckerLanguages(), ["en-US", "fr", "sv", "hi"]);
    const copy = ses.getSpellCheckerLanguages();
    copy.pop();
    assert.equal(ses.getSpellCheckerLanguages().length, 4);
  });

  it("an unknown code throws Electron's Error and changes nothing", () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages(["de"]);
    assert.throws(() => ses.setSpellCheckerLanguages(["en-US", "xx-YY"]), {
      name: "Error",
      message: 'Invalid language code provided: "xx-YY" is not a valid language code',
    });
    // Codes are case-sensitive, as in Chromium.
    assert.throws(() => ses.setSpellCheckerLanguages(["en-us"]), /"en-us" is not a valid/);
    assert.deepEqual(ses.getSpellCheckerLanguages(), ["de"]);
  });

  it("not an array, or not strings: a TypeError naming the argument", () => {
    const ses = fresh();
    assert.throws(() => ses.setSpellCheckerLanguages("en-US" as unknown as string[]), {
      name: "TypeError",
      message: "setSpellCheckerLanguages: languages must be an array of language codes",
    });
    assert.throws(() => ses.setSpellCheckerLanguages(["en-US", 3 as unknown as string]), {
      name: "TypeError",
      message: "setSpellCheckerLanguages: languages[1] must be a string, not number",
    });
  });

  it("an empty list turns the spellchecker off, a non-empty one on (Electron)", () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages([]);
    assert.equal(ses.isSpellCheckerEnabled(), false);
    assert.deepEqual(ses.getSpellCheckerLanguages(), []);
    ses.setSpellCheckerLanguages(["es"]);
    assert.equal(ses.isSpellCheckerEnabled(), true);
  });

  it("loads the bundled dictionaries at once and emits spellcheck-dictionary-initialized", async () => {
    const ses = fresh();
    const seen = events(ses);
    const initialized = new Promise((resolve) => {
      let count = 0;
      ses.on("spellcheck-dictionary-initialized", () => ++count === 2 && resolve(null));
    });
    ses.setSpellCheckerLanguages(["en-GB", "es-MX"]);
    await initialized;
    assert.deepEqual(seen.sort(), ["initialized en-GB", "initialized es-MX"]);
  });
});

describe("setSpellCheckerDictionaryDownloadURL", () => {
  it("takes a URL; throws Electron's Error for an invalid one and a TypeError for a non-string", () => {
    const ses = fresh();
    ses.setSpellCheckerDictionaryDownloadURL("http://127.0.0.1:9/dicts/");
    assert.throws(() => ses.setSpellCheckerDictionaryDownloadURL("not a url"), {
      name: "Error",
      message: "The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid URL",
    });
    assert.throws(
      () => ses.setSpellCheckerDictionaryDownloadURL(42 as unknown as string),
      TypeError,
    );
  });
});

describe("the custom dictionary", () => {
  it("add, remove and list return what Electron returns", async () => {
    const ses = fresh("persist");
    await ses.ready;
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), []);
    assert.equal(ses.addWordToSpellCheckerDictionary("zorblax"), true);
    assert.equal(ses.addWordToSpellCheckerDictionary("zorblax"), false); // already there
    assert.equal(ses.addWordToSpellCheckerDictionary("Ærøskøbing"), true);
    assert.equal(ses.addWordToSpellCheckerDictionary("Bobcorn"), true);
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), [
      "Bobcorn",
      "zorblax",
      "Ærøskøbing",
    ]);
    assert.equal(ses.removeWordFromSpellCheckerDictionary("zorblax"), true);
    assert.equal(ses.removeWordFromSpellCheckerDictionary("zorblax"), false); // not there
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), ["Bobcorn", "Ærøskøbing"]);
  });

  it("refuses words Chromium refuses: empty, over 99 bytes, padded with whitespace", async () => {
    const ses = fresh("persist");
    await ses.ready;
    assert.equal(ses.addWordToSpellCheckerDictionary(""), false);
    assert.equal(ses.addWordToSpellCheckerDictionary(" padded"), false);
    assert.equal(ses.addWordToSpellCheckerDictionary("padded\n"), false);
    assert.equal(ses.addWordToSpellCheckerDictionary("a".repeat(100)), false);
    assert.equal(ses.addWordToSpellCheckerDictionary("a".repeat(99)), true);
    // 50 two-byte letters are 100 bytes of UTF-8.
    assert.equal(ses.addWordToSpellCheckerDictionary("é".repeat(50)), false);
    // Not UTF-8 (a lone surrogate).
    assert.equal(ses.addWordToSpellCheckerDictionary("broken\uD800"), false);
    assert.throws(
      () => ses.addWordToSpellCheckerDictionary(7 as unknown as string),
      { name: "TypeError", message: /word must be a string, not number/ },
    );
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), ["a".repeat(99)]);
  });

  it("in-memory partitions keep no custom words: add and remove return false (Electron)", async () => {
    const ses = fresh("memory");
    assert.equal(ses.isPersistent(), false);
    assert.equal(ses.addWordToSpellCheckerDictionary("zorblax"), false);
    assert.equal(ses.removeWordFromSpellCheckerDictionary("zorblax"), false);
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), []);
  });

  it("ses.clearStorageData() empties it, in memory and in the store", async () => {
    const ses = fresh("persist");
    await ses.ready;
    ses.addWordToSpellCheckerDictionary("zorblax");
    await ses.flushStorageData();
    await ses.clearStorageData({ storages: ["cookies"] });
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), ["zorblax"], "not cookies");
    await ses.clearStorageData();
    assert.deepEqual(await ses.listWordsInSpellCheckerDictionary(), []);
    assert.equal(ses.addWordToSpellCheckerDictionary("zorblax"), true);
  });

  it("applies to check and suggest in every language, ignoring case", async () => {
    const ses = fresh("persist");
    await ses.ready;
    ses.setSpellCheckerLanguages(["en-US", "de"]);
    const text = "Zorblax und zorblax sind ZORBLAX";
    assert.equal((await ses.spellChecker.check(text)).length, 3);
    ses.addWordToSpellCheckerDictionary("zorblax");
    assert.deepEqual(await ses.spellChecker.check(text), []);
    assert.deepEqual(await ses.spellChecker.suggest("Zorblax"), []);
    ses.removeWordFromSpellCheckerDictionary("zorblax");
    assert.equal((await ses.spellChecker.check(text)).length, 3);
  });
});

describe("ses.spellChecker.check", () => {
  it("returns the misspelled words with their UTF-16 offsets", async () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages(["en-US"]);
    const text = "😀 Ths sentense has two errors.";
    const found = await ses.spellChecker.check(text);
    assert.deepEqual(found, [
      { start: 3, end: 6, word: "Ths" },
      { start: 7, end: 15, word: "sentense" },
    ]);
    for (const m of found) assert.equal(text.slice(m.start, m.end), m.word);
  });

  it("a word is wrong only when no language accepts it (Chromium with several languages)", async () => {
    const ses = fresh();
    const text = "The Hund and the chien";
    ses.setSpellCheckerLanguages(["en-US"]);
    assert.deepEqual((await ses.spellChecker.check(text)).map((m) => m.word), ["Hund", "chien"]);
    ses.setSpellCheckerLanguages(["en-US", "de", "fr"]);
    assert.deepEqual(await ses.spellChecker.check(text), []);
    // options.languages replaces the session's for one call
    const germanOnly = await ses.spellChecker.check(text, { languages: ["de-DE"] });
    assert.deepEqual(germanOnly.map((m) => m.word), ["The", "and", "the", "chien"]);
  });

  it("British and American spellings follow the language", async () => {
    const ses = fresh();
    const text = "colour color";
    const us = await ses.spellChecker.check(text, { languages: ["en-US"] });
    const gb = await ses.spellChecker.check(text, { languages: ["en-GB"] });
    assert.deepEqual(us.map((m) => m.word), ["colour"]);
    assert.deepEqual(gb.map((m) => m.word), ["color"]);
  });

  it("with no language set, falls back to en-US (Electron)", async () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages([]);
    ses.setSpellCheckerEnabled(true);
    assert.deepEqual((await ses.spellChecker.check("a wrnog word")).map((m) => m.word), [
      "wrnog",
    ]);
  });

  it("rejects bad input with a TypeError or Electron's language Error", async () => {
    const ses = fresh();
    await assert.rejects(
      ses.spellChecker.check(42 as unknown as string),
      { name: "TypeError", message: "spellChecker.check: text must be a string, not number" },
    );
    await assert.rejects(
      ses.spellChecker.check("text", { languages: ["klingon"] }),
      { name: "Error", message: /"klingon" is not a valid language code/ },
    );
    await assert.rejects(
      ses.spellChecker.check("text", { languages: "en-US" as unknown as string[] }),
      { name: "TypeError", message: /options\.languages must be an array/ },
    );
  });
});

describe("ses.spellChecker.suggest", () => {
  it("suggests corrections, at most 5 by default, at most `limit` when given", async () => {
    const ses = fresh();
    ses.setSpellCheckerLanguages(["en-US"]);
    const suggestions = await ses.spellChecker.suggest("recieve");
    assert.equal(suggestions[0], "receive");
    assert.ok(suggestions.length <= 5);
    assert.deepEqual(await ses.spellChecker.suggest("helo", { limit: 1 }), ["hello"]);
    assert.deepEqual(await ses.spellChecker.suggest("helo", { limit: 0 }), []);
    assert.deepEqual(await ses.spellChecker.suggest("hello"), []); // a right word
  });

  it("merges the languages' suggestions in turn, without duplicates", async () => {
    const ses = fresh();
    const both = await ses.spellChecker.suggest("Fahrad", { languages: ["de", "en-US"] });
    assert.equal(both[0], "Fahrrad");
    assert.equal(new Set(both).size, both.length);
  });

  it("refuses a bad limit or word with a TypeError", async () => {
    const ses = fresh();
    await assert.rejects(ses.spellChecker.suggest("x", { limit: -1 }), TypeError);
    await assert.rejects(ses.spellChecker.suggest("x", { limit: 1.5 }), TypeError);
    await assert.rejects(ses.spellChecker.suggest(null as unknown as string), TypeError);
  });
});

describe("a session built without the plugin", () => {
  it("answers the members with MissingPluginError naming the spellcheck plugin", () => {
    const ses = session.fromPartition(`spellcheck-none-${Date.now()}`, { preset: false });
    open.push(ses);
    const untyped = ses as unknown as Record<string, unknown>;
    assert.throws(() => untyped.setSpellCheckerLanguages, (error) => {
      assert.ok(error instanceof MissingPluginError);
      assert.match(String(error), /spellcheck/);
      return true;
    });
    assert.throws(() => untyped.spellChecker, MissingPluginError);
  });

  it("the default preset has it", () => {
    const ses = session.fromPartition(`spellcheck-preset-${Date.now()}`);
    open.push(ses);
    assert.equal(typeof ses.setSpellCheckerLanguages, "function");
    assert.equal(ses.isSpellCheckerEnabled(), true);
  });
});

describe("closing the session", () => {
  it("drops the dictionaries still loading: a closed session builds none, one still open does", async () => {
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => asked = resolve);
    let release!: (files: { aff: string; dic: string }) => void;
    const files = new Promise<{ aff: string; dic: string }>((resolve) => release = resolve);
    const plugin = createSpellcheckPlugin({
      dictionaries: () => {
        asked();
        return files;
      },
    });
    const name = `spellcheck-closing-${Date.now()}`;
    const closing = session.fromPartition(name, { preset: false, plugins: [plugin] });
    const closingSeen = events(closing);
    closing.setSpellCheckerLanguages(["en-US"]);
    await wasAsked;
    await session.closePartition(name);
    // A session still open, with the same bundled source: it shares the build the closed one
    // started, and gets its dictionary all the same.
    const open = session.fromPartition(`${name}-open`, { preset: false, plugins: [plugin] });
    const initialized = new Promise<string>((resolve) =>
      open.on("spellcheck-dictionary-initialized", (_event, language: string) => resolve(language))
    );
    open.setSpellCheckerLanguages(["en-US"]);
    release({ aff: "SET UTF-8\n", dic: "1\nhello\n" });
    assert.equal(await initialized, "en-US");
    assert.deepEqual((await open.spellChecker.check("hello wurld")).map((m) => m.word), ["wurld"]);
    assert.deepEqual(closingSeen, []);
    await session.closePartition(`${name}-open`);
  });
});
