/**
 * Chrome's `i18n.getMessage` over an extension's message catalog (`_locales/<locale>/messages.json`
 * merged by {@linkcode readMessageCatalog}): names are case-insensitive, `$NAME$` stands for the
 * named placeholder's `content`, `$1`..`$9` for the substitutions (missing ones give ""), `$$` for
 * `$`, and the `@@` messages are predefined. Pure: it runs in the background Worker.
 *
 * @module
 */

/** One message of a catalog, its placeholders keyed by their lower-cased names. */
export interface CatalogMessage {
  /** The text, with `$NAME$` and `$1`..`$9` in it. */
  message: string;
  /** The placeholders' `content`, by lower-cased name. */
  placeholders: Record<string, string>;
}

/** Messages by lower-cased name. */
export type MessageCatalog = Record<string, CatalogMessage>;

/** What the predefined `@@` messages are made of. */
export interface I18nContext {
  /** The extension's id (`@@extension_id`). */
  extensionId: string;
  /** The UI language as `getUILanguage` gives it (`en-US`); `@@ui_locale` is `en_US`. */
  uiLanguage: string;
  /**
   * Whether the extension is localized (a `default_locale`): without, Chromium 156 answers ""
   * for `@@ui_locale` and the `@@bidi_*` messages (default true).
   */
  localized?: boolean;
}

const PREDEFINED_BIDI: Record<string, string> = {
  "@@bidi_dir": "ltr",
  "@@bidi_reversed_dir": "rtl",
  "@@bidi_start_edge": "left",
  "@@bidi_end_edge": "right",
};

/**
 * `chrome.i18n.getMessage(name, substitutions)`: the localized text, or "" for an unknown name;
 * `undefined` for more than 9 substitutions, as in Chrome (the Worker checks the arguments' types
 * before, `_api_signatures.ts`).
 *
 * @example
 * ```ts
 * const catalog = {
 *   hi: { message: "Hi, $WHO$!", placeholders: { who: "$1" } },
 * };
 * formatMessage(catalog, { extensionId: "x", uiLanguage: "en" }, "hi", "Ada"); // "Hi, Ada!"
 * ```
 */
export function formatMessage(
  catalog: MessageCatalog,
  context: I18nContext,
  name: string,
  substitutions?: unknown,
): string | undefined {
  const values = substitutionList(substitutions);
  if (values === null) return undefined;
  const key = name.toLowerCase();
  if (key === "@@extension_id") return context.extensionId;
  const localized = context.localized !== false;
  if (key === "@@ui_locale") return localized ? context.uiLanguage.replaceAll("-", "_") : "";
  if (key in PREDEFINED_BIDI) return localized ? PREDEFINED_BIDI[key] : "";
  const entry = Object.hasOwn(catalog, key) ? catalog[key] : undefined;
  if (!entry) return "";
  const named = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, placeholder: string) => {
    const content = entry.placeholders[placeholder.toLowerCase()];
    return content ?? whole;
  });
  return named.replace(/\$(\$|[1-9])/g, (_whole, what: string) => {
    if (what === "$") return "$";
    return values[Number(what) - 1] ?? "";
  });
}

/**
 * The substitutions as strings (Chrome converts each of a list), or null past 9 of them; one that
 * is neither a string nor a list is none, as in Chromium 156.
 */
function substitutionList(substitutions: unknown): string[] | null {
  if (typeof substitutions !== "string" && !Array.isArray(substitutions)) return [];
  const list = Array.isArray(substitutions) ? substitutions : [substitutions];
  return list.length > 9 ? null : list.map((value) => String(value));
}
