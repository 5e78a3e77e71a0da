/**
 * The bundled dictionaries of Deno and Bun: the Hunspell dictionaries of the `dictionary-*` npm
 * packages (en-US, en-GB, de-DE, fr-FR, es-ES), each imported on first use (the packages read
 * their files with `node:fs`, so pages get none). The spellcheck plugin takes this function as its
 * `dictionaries` option (`presets/default.ts` hands it in).
 *
 * @module
 */

/** A dictionary's files, as the spellcheck plugin reads them. */
export interface NpmDictionaryFiles {
  /** The affix file. */
  aff: Uint8Array;
  /** The word list. */
  dic: Uint8Array;
}

/** Language-region → the import of its package (literal imports: nothing is computed). */
const PACKAGES: Readonly<Record<string, () => Promise<{ default: NpmDictionaryFiles }>>> = {
  "en-US": () => import("dictionary-en"),
  "en-GB": () => import("dictionary-en-gb"),
  "de-DE": () => import("dictionary-de"),
  "fr-FR": () => import("dictionary-fr"),
  "es-ES": () => import("dictionary-es"),
};

/**
 * The language-regions bundled here.
 *
 * @example
 * ```ts
 * NPM_DICTIONARY_REGIONS.includes("de-DE"); // true
 * ```
 */
export const NPM_DICTIONARY_REGIONS: readonly string[] = Object.freeze(Object.keys(PACKAGES));

/**
 * The files of the bundled dictionary of a language-region (`"en-US"`, `"de-DE"`, ...), or null
 * when none is bundled for it.
 *
 * @example
 * ```ts
 * const files = await npmDictionaries("en-US");
 * files?.dic.length; // > 0
 * npmDictionaries("it-IT"); // null
 * ```
 */
export function npmDictionaries(languageRegion: string): Promise<NpmDictionaryFiles> | null {
  const load = Object.hasOwn(PACKAGES, languageRegion) ? PACKAGES[languageRegion] : undefined;
  return load ? load().then((module) => module.default) : null;
}
