/**
 * `ses.spellChecker`: spell checking without a renderer. `check(text)` finds the misspelled words
 * of a text (as `{ start, end, word }` ranges) with the session's languages and custom dictionary,
 * `suggest(word)` proposes corrections. A word is misspelled when no language accepts it, as in
 * Chromium with several languages. While the spellchecker is disabled
 * (`ses.setSpellCheckerEnabled(false)`), nothing is misspelled.
 *
 * @module
 */
import { normalizeLanguages } from "./languages.ts";
import { normalizeWord, type WordRange, words } from "./word_breaker.ts";
import type { CustomDictionary } from "./custom_dictionary.ts";
import type { Dictionaries } from "./dictionaries.ts";
import type { LanguageChecker } from "./language_checker.ts";

/** A misspelled word of a text: its UTF-16 offsets and the word. */
export type MisspelledRange = WordRange;

/** Options of {@linkcode SpellChecker.check}. */
export interface CheckOptions {
  /** The languages to check with (default: the session's, `ses.getSpellCheckerLanguages()`). */
  languages?: string[];
}

/** Options of {@linkcode SpellChecker.suggest}. */
export interface SuggestOptions extends CheckOptions {
  /** At most this many suggestions (default 5, Chromium's limit). */
  limit?: number;
}

/** What a spell checker reads from its session. */
export interface SpellCheckerState {
  /** Whether spell checking is on. */
  enabled(): boolean;
  /** The session's languages. */
  languages(): readonly string[];
  /** Resolves when the stored settings and words are loaded. */
  ready(): Promise<void>;
}

/** Chromium's `kMaxSuggestions`. */
const DEFAULT_LIMIT = 5;

/**
 * Spell checking for one session (`ses.spellChecker`).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("spellchecker-doc");
 * ses.setSpellCheckerLanguages(["en-US"]);
 * await ses.spellChecker.check("Teh cat"); // [{ start: 0, end: 3, word: "Teh" }]
 * await ses.spellChecker.suggest("Teh"); // ["The", ...]
 * ```
 */
export class SpellChecker {
  readonly #dictionaries: Dictionaries;
  readonly #custom: CustomDictionary;
  readonly #state: SpellCheckerState;

  /** A spell checker over a session's dictionaries, custom words and settings. */
  constructor(dictionaries: Dictionaries, custom: CustomDictionary, state: SpellCheckerState) {
    this.#dictionaries = dictionaries;
    this.#custom = custom;
    this.#state = state;
  }

  /**
   * The misspelled words of `text`, in order. Rejects with a TypeError for a text that is not a
   * string, Electron's Error for an unknown language, and an Error when no dictionary of the
   * languages could be loaded (the `spellcheck-dictionary-download-failure` event says why).
   */
  async check(text: string, options: CheckOptions = {}): Promise<MisspelledRange[]> {
    if (typeof text !== "string") {
      throw new TypeError(`spellChecker.check: text must be a string, not ${typeof text}`);
    }
    const checkers = await this.#checkers(options, "check");
    if (checkers === null) return [];
    const custom = this.#custom;
    const misspelled: MisspelledRange[] = [];
    for (const range of words(text)) {
      const word = normalizeWord(range.word);
      if (custom.accepts(word)) continue;
      if (!acceptedByAny(checkers, word)) misspelled.push(range);
    }
    return misspelled;
  }

  /**
   * Corrections for `word`, best first, taken in turn from each language's suggestions as
   * Chromium merges them (no duplicates, at most `limit`). A word some language accepts has none.
   */
  async suggest(word: string, options: SuggestOptions = {}): Promise<string[]> {
    if (typeof word !== "string") {
      throw new TypeError(`spellChecker.suggest: word must be a string, not ${typeof word}`);
    }
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 0) {
      throw new TypeError(`spellChecker.suggest: options.limit must be a whole number >= 0`);
    }
    const checkers = await this.#checkers(options, "suggest");
    const normalized = normalizeWord(word);
    if (checkers === null || this.#custom.accepts(normalized)) return [];
    if (acceptedByAny(checkers, normalized)) return [];
    const lists = checkers.map((c) => c.suggest(normalized));
    const merged: string[] = [];
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let index = 0; index < longest && merged.length < limit; index++) {
      for (const list of lists) {
        const suggestion = list[index];
        if (suggestion !== undefined && !merged.includes(suggestion)) merged.push(suggestion);
        if (merged.length >= limit) break;
      }
    }
    return merged;
  }

  /** The checkers to use, or null while spell checking is off. */
  async #checkers(options: CheckOptions, method: string): Promise<LanguageChecker[] | null> {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`spellChecker.${method}: options must be an object`);
    }
    const languages = options.languages === undefined
      ? null
      : normalizeLanguages(options.languages, `spellChecker.${method}: options.languages`);
    await this.#state.ready();
    if (!this.#state.enabled()) return null;
    const chosen = languages ?? this.#state.languages();
    // Electron: with no language set, the spellchecker falls back to en-US.
    return await this.#dictionaries.loadAll(chosen.length > 0 ? chosen : ["en-US"]);
  }
}

function acceptedByAny(checkers: readonly LanguageChecker[], word: string): boolean {
  for (const checker of checkers) if (checker.correct(word)) return true;
  // Chromium's contraction rule: a word with apostrophes that its dictionary refuses is still
  // right when each of its parts is ("gibt's": "gibt" and "s").
  if (!word.includes("'")) return false;
  const parts = word.split("'");
  for (const checker of checkers) if (parts.every((p) => checker.correct(p))) return true;
  return false;
}
