/**
 * One language's checker: a Hunspell dictionary in nspell (the usual Hunspell implementation for
 * JavaScript), with the verdicts on words it has seen kept in a bounded map. Natural text repeats
 * its words, so most words of a text are answered by one map lookup; the benchmark
 * (`deno task bench spellcheck`) compares this against nspell and `hunspell -l`.
 *
 * @module
 */
import nspell from "nspell";
import type { HunspellText } from "./hunspell_files.ts";
import { repairHomonyms } from "./_homonyms.ts";

/** How many verdicts a checker keeps before it starts over. */
const CACHE_LIMIT = 200_000;

/**
 * A loaded dictionary of one language.
 *
 * @example
 * ```ts
 * const checker = new LanguageChecker("en-US", { aff: "SET UTF-8\n", dic: "1\nhello\n" });
 * checker.correct("hello"); // true
 * ```
 */
export class LanguageChecker {
  /** The language code it was (first) loaded for. */
  readonly language: string;
  readonly #spell: nspell;
  #verdicts = new Map<string, boolean>();

  /** Builds the checker from a decoded dictionary. */
  constructor(language: string, dictionary: HunspellText) {
    this.language = language;
    this.#spell = nspell({
      aff: dictionary.aff,
      dic: repairHomonyms(dictionary.aff, dictionary.dic),
    });
  }

  /** Whether the dictionary accepts `word`. */
  correct(word: string): boolean {
    let verdict = this.#verdicts.get(word);
    if (verdict === undefined) {
      verdict = this.#spell.correct(word);
      if (this.#verdicts.size >= CACHE_LIMIT) this.#verdicts = new Map();
      this.#verdicts.set(word, verdict);
    }
    return verdict;
  }

  /** The dictionary's suggestions for `word`, best first. */
  suggest(word: string): string[] {
    return this.#spell.suggest(word);
  }
}
