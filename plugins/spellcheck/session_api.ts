/**
 * Electron's spellchecker members of a session (`ses.setSpellCheckerLanguages()` & co), over the
 * session's settings, dictionaries and custom dictionary.
 *
 * @module
 */
import { AVAILABLE_LANGUAGES, normalizeLanguages } from "./languages.ts";
import type { CustomDictionary } from "./custom_dictionary.ts";
import type { Dictionaries } from "./dictionaries.ts";
import type { SpellcheckSettings } from "./settings.ts";
import type { SpellChecker } from "./spell_checker.ts";

/**
 * The session members the spellcheck plugin adds: Electron's spellchecker API, and
 * `ses.spellChecker` to check text without a renderer.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: SpellcheckMembers = session.fromPartition("spellcheck-members");
 * ses.setSpellCheckerLanguages(["en-US", "fr"]);
 * ses.getSpellCheckerLanguages(); // ["en-US", "fr"]
 * ```
 */
export interface SpellcheckMembers {
  /** Turns the spellchecker on or off (Electron's `ses.setSpellCheckerEnabled`). */
  setSpellCheckerEnabled(enable: boolean): void;
  /** Whether the spellchecker is on. */
  isSpellCheckerEnabled(): boolean;
  /** Whether the spellchecker is on (Electron's read/write `ses.spellCheckerEnabled`). */
  spellCheckerEnabled: boolean;
  /**
   * Sets the languages to check with; each must be one of `availableSpellCheckerLanguages` (or
   * the language-region of one, e.g. `sv-SE` for `sv`), else it throws Electron's Error. An empty
   * list turns the spellchecker off, a non-empty one on, as in Electron. Starts loading the
   * languages' dictionaries (downloading those not bundled).
   */
  setSpellCheckerLanguages(languages: string[]): void;
  /** The languages the spellchecker uses. */
  getSpellCheckerLanguages(): string[];
  /** Every language code the spellchecker knows (Chromium's list). */
  readonly availableSpellCheckerLanguages: string[];
  /**
   * Sets the base URL dictionaries not bundled are downloaded from (`<url><language-region>.aff`
   * and `.dic`, lowercased; mind the trailing slash). Throws Electron's Error for an invalid URL.
   */
  setSpellCheckerDictionaryDownloadURL(url: string): void;
  /** The words of the custom dictionary. */
  listWordsInSpellCheckerDictionary(): Promise<string[]>;
  /**
   * Adds a word to the custom dictionary; false for an in-memory partition (as in Electron), an
   * invalid word or one already there.
   */
  addWordToSpellCheckerDictionary(word: string): boolean;
  /** Removes a word from the custom dictionary; false when it was not there (or in memory). */
  removeWordFromSpellCheckerDictionary(word: string): boolean;
  /** Spell checking without a renderer: `check(text)` and `suggest(word)`. */
  readonly spellChecker: SpellChecker;
}

/** What {@linkcode spellcheckMembers} builds the members from. */
export interface SpellcheckParts {
  /** The session's settings. */
  settings: SpellcheckSettings;
  /** The session's dictionaries. */
  dictionaries: Dictionaries;
  /** The custom dictionary. */
  custom: CustomDictionary;
  /** The spell checker. */
  spellChecker: SpellChecker;
  /** Whether the partition is persistent (in-memory ones keep no custom words). */
  persistent: boolean;
  /** Resolves when the stored settings and words are loaded. */
  ready: Promise<void>;
  /** Reports an error no caller sees. */
  report(error: unknown): void;
}

/**
 * Builds the members (the accessors `spellCheckerEnabled` and `availableSpellCheckerLanguages` as
 * getters and setters).
 *
 * @example
 * ```ts ignore
 * const members = spellcheckMembers(parts);
 * members.isSpellCheckerEnabled(); // true
 * ```
 */
export function spellcheckMembers(parts: SpellcheckParts): SpellcheckMembers {
  const { settings, dictionaries, custom, persistent } = parts;
  const setEnabled = (enable: unknown) => {
    if (typeof enable !== "boolean") {
      throw new TypeError(`setSpellCheckerEnabled: enable must be a boolean, not ${typeof enable}`);
    }
    settings.enabled = enable;
  };
  const checkWord = (method: string, word: unknown) => {
    if (typeof word !== "string") {
      throw new TypeError(`${method}: word must be a string, not ${typeof word}`);
    }
  };
  return {
    setSpellCheckerEnabled: setEnabled,
    isSpellCheckerEnabled: () => settings.enabled,
    get spellCheckerEnabled(): boolean {
      return settings.enabled;
    },
    set spellCheckerEnabled(enable: boolean) {
      setEnabled(enable);
    },
    setSpellCheckerLanguages(languages: string[]) {
      const codes = normalizeLanguages(languages, "setSpellCheckerLanguages: languages");
      settings.languages = codes;
      settings.enabled = codes.length > 0;
      dictionaries.retryFailed();
      // Electron starts loading (and downloading) at once; failures arrive as events.
      for (const code of codes) dictionaries.load(code).catch(() => {});
    },
    getSpellCheckerLanguages: () => [...settings.languages],
    get availableSpellCheckerLanguages(): string[] {
      return [...AVAILABLE_LANGUAGES];
    },
    setSpellCheckerDictionaryDownloadURL(url: string) {
      if (typeof url !== "string") {
        throw new TypeError(
          `setSpellCheckerDictionaryDownloadURL: url must be a string, not ${typeof url}`,
        );
      }
      if (!URL.canParse(url)) {
        throw new Error(
          "The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid URL",
        );
      }
      dictionaries.downloadUrl = new URL(url).href;
    },
    async listWordsInSpellCheckerDictionary() {
      await parts.ready;
      return custom.list();
    },
    addWordToSpellCheckerDictionary(word: string) {
      checkWord("addWordToSpellCheckerDictionary", word);
      return persistent && custom.add(word);
    },
    removeWordFromSpellCheckerDictionary(word: string) {
      checkWord("removeWordFromSpellCheckerDictionary", word);
      return persistent && custom.remove(word);
    },
    spellChecker: parts.spellChecker,
  };
}
