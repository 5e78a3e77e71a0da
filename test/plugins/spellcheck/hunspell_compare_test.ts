/**
 * Texts in English, German and French with URLs, e-mail addresses, numbers, apostrophes and
 * hyphens, whose misspellings are known, checked by the plugin (npm dictionaries, nspell) and by
 * Debian's `hunspell -l` (hunspell-en-us, hunspell-de-de, hunspell-fr) on the same text, compared
 * word by word.
 *
 * The only differences allowed are listed with their reason:
 * - tokens with a digit (`14h30`): websession skips them as Chromium's spellchecker does; the
 *   French and English affix files make digits word characters for `hunspell -l`;
 * - a trailing `.` on a token: German and French list `.` among their word characters, so
 *   `hunspell -l` prints `Kuchhen.` where the word is `Kuchhen`;
 * - German compounds that the word list does not hold whole (`Kindergarten`): Hunspell builds
 *   them with COMPOUNDBEGIN/COMPOUNDEND flags, which nspell does not implement.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { session } from "../../../mod.ts";
import type { Session } from "../../../mod.ts";
import { spellcheckPlugin } from "../../../entries/spellcheck.ts";
import { needs, requireCommand } from "../../_system.ts";

interface Case {
  language: string;
  hunspellDictionary: string;
  text: string;
  misspelled: string[];
  knownGaps?: string[];
}

const CASES: Case[] = [{
  language: "en-US",
  hunspellDictionary: "en_US",
  text: "Visit https://example.com/docs?page=2 or write to support.team@example.org before " +
    "10:30 on 3 May 2024. The well-known author doesn't recieve teh letters; it’s a long-term " +
    "plan with 25 chapters, rock-solid edits and one definately wrong speling. Their " +
    "neighbour's child-care costs $1,200, and the self-contained flat's windows are brokn.",
  misspelled: ["recieve", "teh", "definately", "speling", "neighbour's", "brokn"],
}, {
  language: "de",
  hunspellDictionary: "de_DE",
  text: "Besuchen Sie https://beispiel.de/seite?id=7 oder schreiben Sie an info@beispiel.de " +
    "bis 12:00 Uhr am 3. Mai. Die Straße ist lang, das Fahrad ist neu und der Kindergarten-Platz " +
    "kostet 250 Euro. Wir habben heute keine Zeit, aber morgen gibt's Kaffee und Kuchhen. " +
    "Die E-Mail-Adresse steht auf dem Zettel.",
  misspelled: ["Fahrad", "habben", "Kuchhen"],
  knownGaps: ["Kindergarten"],
}, {
  language: "fr",
  hunspellDictionary: "fr_FR",
  text: "Consultez https://exemple.fr/page?id=3 ou écrivez à contact@exemple.fr avant 14h30 le " +
    "5 mai. L'ordinateur d'aujourd'hui est trés rapide, c'est-à-dire qu'il calcule 1000 " +
    "opérations. Les enfants mangent des pommes et des baguettes fraîches, mais la maisson " +
    "est vide et l’arbre est grnad.",
  misspelled: ["trés", "maisson", "grnad"],
}];

const open: Session[] = [];
after(async () => {
  for (const ses of open) await session.closePartition(ses.partition);
});

describe("misspellings compared with Debian's hunspell", () => {
  needs("hunspell", "hunspell-en-us", "hunspell-de-de", "hunspell-fr");

  for (const c of CASES) {
    it(`${c.language}: the known misspellings, word by word as hunspell -l finds them`, async () => {
      const ses = session.fromPartition(`spellcheck-compare-${c.language}-${Date.now()}`, {
        preset: false,
        plugins: [spellcheckPlugin],
      });
      open.push(ses);
      ses.setSpellCheckerLanguages([c.language]);
      const ours = (await ses.spellChecker.check(c.text)).map((m) => m.word);
      for (const m of await ses.spellChecker.check(c.text)) {
        assert.equal(c.text.slice(m.start, m.end), m.word);
      }
      assert.deepEqual(ours, [...c.misspelled, ...(c.knownGaps ?? [])].sort(byPosition(c.text)));

      const hunspell = spawnSync(requireCommand("hunspell"), ["-d", c.hunspellDictionary, "-l"], {
        input: c.text,
        encoding: "utf8",
      });
      assert.equal(hunspell.status, 0, hunspell.stderr);
      const theirs = hunspell.stdout.split("\n").filter((t) => t !== "")
        .filter((t) => !/\p{N}/u.test(t)) // skipped by websession, as by Chromium
        .map((t) => t.replace(/\.$/, "")); // "." is a word character of de and fr
      const gaps = new Set(c.knownGaps ?? []);
      assert.deepEqual(ours.filter((w) => !gaps.has(w)), theirs);
    });
  }
});

function byPosition(text: string) {
  return (a: string, b: string) => text.indexOf(a) - text.indexOf(b);
}
