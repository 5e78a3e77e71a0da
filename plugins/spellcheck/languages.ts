/**
 * Chromium's table of spellchecker languages: the codes `setSpellCheckerLanguages` accepts (what
 * `ses.availableSpellCheckerLanguages` lists), the dictionary (language and region) each one uses,
 * and the mapping of a code to its accepted form, as Chromium's `GetCorrespondingSpellCheckLanguage`
 * does it (exact, case-sensitive; a dictionary's language-region such as `sv-SE` maps to `sv`).
 *
 * @module
 */

/** Code → the language-region of its dictionary (Chromium's `kSupportedSpellCheckerLanguages`). */
const LANGUAGE_REGIONS: ReadonlyArray<readonly [string, string]> = [
  ["af", "af-ZA"],
  ["bg", "bg-BG"],
  ["ca", "ca-ES"],
  ["cs", "cs-CZ"],
  ["cy", "cy-GB"],
  ["da", "da-DK"],
  ["de", "de-DE"],
  ["de-DE", "de-DE"],
  ["el", "el-GR"],
  ["en-AU", "en-AU"],
  ["en-CA", "en-CA"],
  ["en-GB", "en-GB"],
  ["en-GB-oxendict", "en-GB-oxendict"],
  ["en-US", "en-US"],
  ["es", "es-ES"],
  ["es-419", "es-ES"],
  ["es-AR", "es-ES"],
  ["es-ES", "es-ES"],
  ["es-MX", "es-ES"],
  ["es-US", "es-ES"],
  ["et", "et-EE"],
  ["fa", "fa-IR"],
  ["fo", "fo-FO"],
  ["fr", "fr-FR"],
  ["fr-FR", "fr-FR"],
  ["he", "he-IL"],
  ["hi", "hi-IN"],
  ["hr", "hr-HR"],
  ["hu", "hu-HU"],
  ["hy", "hy"],
  ["id", "id-ID"],
  ["it", "it-IT"],
  ["it-IT", "it-IT"],
  ["ko", "ko"],
  ["lt", "lt-LT"],
  ["lv", "lv-LV"],
  ["nb", "nb-NO"],
  ["nl", "nl-NL"],
  ["pl", "pl-PL"],
  ["pt", "pt-BR"],
  ["pt-BR", "pt-BR"],
  ["pt-PT", "pt-PT"],
  ["ro", "ro-RO"],
  ["ru", "ru-RU"],
  ["sh", "sh"],
  ["sk", "sk-SK"],
  ["sl", "sl-SI"],
  ["sq", "sq"],
  ["sr", "sr"],
  ["sv", "sv-SE"],
  ["ta", "ta-IN"],
  ["tg", "tg-TG"],
  ["tr", "tr-TR"],
  ["uk", "uk-UA"],
  ["vi", "vi-VN"],
];

const REGION_OF: ReadonlyMap<string, string> = new Map(LANGUAGE_REGIONS);

/**
 * Every language code the spellchecker knows, in Chromium's order (Electron's
 * `ses.availableSpellCheckerLanguages`).
 *
 * @example
 * ```ts
 * AVAILABLE_LANGUAGES.includes("en-US"); // true
 * ```
 */
export const AVAILABLE_LANGUAGES: readonly string[] = Object.freeze(
  LANGUAGE_REGIONS.map(([code]) => code),
);

/**
 * The accepted code for `language`: itself when it is in the table, else the first code whose
 * dictionary is `language` (`"sv-SE"` → `"sv"`), else null. Case-sensitive, as in Chromium.
 *
 * @example
 * ```ts
 * spellcheckLanguageFor("pt"); // "pt"
 * spellcheckLanguageFor("hi-IN"); // "hi"
 * spellcheckLanguageFor("xx"); // null
 * ```
 */
export function spellcheckLanguageFor(language: string): string | null {
  if (REGION_OF.has(language)) return language;
  for (const [code, region] of LANGUAGE_REGIONS) if (region === language) return code;
  return null;
}

/**
 * The language-region of the dictionary a code uses (`"fr"` → `"fr-FR"`); the code itself when it
 * is not in the table.
 *
 * @example
 * ```ts
 * dictionaryRegionOf("es-MX"); // "es-ES"
 * ```
 */
export function dictionaryRegionOf(language: string): string {
  return REGION_OF.get(language) ?? language;
}

/**
 * Checks a list of language codes as `setSpellCheckerLanguages` does and returns their accepted
 * forms: a TypeError when `languages` is not an array of strings, Electron's Error for a code
 * Chromium does not know.
 *
 * @example
 * ```ts
 * normalizeLanguages(["en-US", "sv-SE"]); // ["en-US", "sv"]
 * ```
 */
export function normalizeLanguages(languages: unknown, where = "languages"): string[] {
  if (!Array.isArray(languages)) {
    throw new TypeError(`${where} must be an array of language codes`);
  }
  return languages.map((language, index) => {
    if (typeof language !== "string") {
      throw new TypeError(`${where}[${index}] must be a string, not ${typeof language}`);
    }
    const code = spellcheckLanguageFor(language);
    if (code === null) {
      throw new Error(
        `Invalid language code provided: "${language}" is not a valid language code`,
      );
    }
    return code;
  });
}

/**
 * The default languages of a new session: the runtime's locale when the spellchecker knows it (as
 * Electron populates the setting from the OS locale), else `en-US`.
 *
 * @example
 * ```ts
 * defaultLanguages("de-DE"); // ["de-DE"]
 * defaultLanguages("tlh"); // ["en-US"]
 * ```
 */
export function defaultLanguages(locale: string | undefined): string[] {
  if (locale) {
    const exact = spellcheckLanguageFor(locale);
    if (exact) return [exact];
    const base = spellcheckLanguageFor(locale.split("-")[0]);
    if (base) return [base];
  }
  return ["en-US"];
}
