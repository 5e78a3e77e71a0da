/** The spellchecker's word breaker: which parts of a text are words, and their offsets. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeWord, words } from "../../../plugins/spellcheck/word_breaker.ts";

const list = (text: string) => [...words(text)].map((w) => w.word);

describe("words()", () => {
  it("skips URLs and e-mail addresses whole", () => {
    assert.deepEqual(
      list(
        "See https://exampel.com/pathh?q=fooo, www.exampel.org and ftp://x.y/z or mail jonh.doe+tag@exampel.co.uk now",
      ),
      ["See", "and", "or", "mail", "now"],
    );
  });

  it("skips numbers and words with digits, as Chromium does", () => {
    assert.deepEqual(list("In 2024, 3rd place got 1,200.50 euros and abc123 x2"), [
      "In",
      "place",
      "got",
      "euros",
      "and",
    ]);
  });

  it("keeps inner apostrophes (straight and typographic), drops outer ones", () => {
    assert.deepEqual(list("don't doesn’t 'quoted' rock'n'roll L'ordinateur aujourd'hui"), [
      "don't",
      "doesn’t",
      "quoted",
      "rock'n'roll",
      "L'ordinateur",
      "aujourd'hui",
    ]);
    assert.equal(normalizeWord("doesn’t"), "doesn't");
  });

  it("splits at hyphens", () => {
    assert.deepEqual(list("well-known c'est-à-dire E-Mail-Adresse"), [
      "well",
      "known",
      "c'est",
      "à",
      "dire",
      "E",
      "Mail",
      "Adresse",
    ]);
  });

  it("reads Unicode letters with combining marks, and gives UTF-16 offsets", () => {
    const text = "𝒜 naïve Straße noe\u0301l Ωμέγα 日本語";
    const found = [...words(text)];
    assert.deepEqual(found.map((w) => w.word), [
      "𝒜",
      "naïve",
      "Straße",
      "noe\u0301l",
      "Ωμέγα",
      "日本語",
    ]);
    for (const w of found) assert.equal(text.slice(w.start, w.end), w.word);
    assert.equal(found[1].start, 3);
  });
});
