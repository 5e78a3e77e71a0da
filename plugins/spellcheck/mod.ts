/**
 * The spellcheck plugin: Electron's spellchecker API on a session (`setSpellCheckerLanguages`,
 * `addWordToSpellCheckerDictionary`, the `spellcheck-dictionary-*` events, ...) over Hunspell
 * dictionaries read by nspell, and, beyond Electron, spell checking without a renderer:
 * `ses.spellChecker.check(text)` returns the misspelled words' ranges, `suggest(word)` corrections.
 *
 * Dictionaries come from the `dictionaries` option (the Deno/Bun preset bundles en-US, en-GB,
 * de-DE, fr-FR and es-ES from the `dictionary-*` npm packages, loaded on first use) or are
 * downloaded through the session from `ses.setSpellCheckerDictionaryDownloadURL()` and cached in
 * the partition's store. Persistent partitions keep the settings and the custom dictionary.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("persist:notes");
 * ses.setSpellCheckerLanguages(["en-US"]);
 * ses.addWordToSpellCheckerDictionary("websession"); // true
 * const misspelled = await ses.spellChecker.check("websession checks speling");
 * misspelled.map((m) => m.word); // ["speling"]
 * ```
 *
 * @module
 */
export type * from "../../kernel/mod.ts";
export type { SpellcheckMembers } from "./session_api.ts";
export { SpellChecker } from "./spell_checker.ts";
export type {
  CheckOptions,
  MisspelledRange,
  SpellCheckerState,
  SuggestOptions,
} from "./spell_checker.ts";
export type { BundledDictionaries, HunspellFiles, HunspellText } from "./hunspell_files.ts";
export { decodeHunspell } from "./hunspell_files.ts";
export {
  AVAILABLE_LANGUAGES,
  dictionaryRegionOf,
  normalizeLanguages,
  spellcheckLanguageFor,
} from "./languages.ts";
export { normalizeWord, type WordRange, words } from "./word_breaker.ts";
export { CustomDictionary, isValidCustomWord, MAX_CUSTOM_WORD_BYTES } from "./custom_dictionary.ts";
export { LanguageChecker } from "./language_checker.ts";
export { Dictionaries, type DictionariesHost } from "./dictionaries.ts";
export { SpellcheckSettings } from "./settings.ts";

export {
  createSpellcheckPlugin,
  downloadOnlySpellcheckPlugin,
  type SpellcheckPluginOptions,
} from "./plugin.ts";
