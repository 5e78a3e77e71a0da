/**
 * An extension's message catalog, read as Chrome reads it: `_locales/<default_locale>/messages.json`
 * must be there when the manifest names a `default_locale`; the UI language's own messages
 * (`en_US`, then `en`) take precedence over it where they exist. A file that is there but wrong is
 * a TypeError naming the file and the message.
 *
 * @module
 */
import {
  type CatalogMessage,
  formatMessage,
  type I18nContext,
  type MessageCatalog,
} from "./_i18n_messages.ts";
import type { ExtensionManifest } from "./extension_manifest.ts";

/** The manifest's paths Chrome localizes (`__MSG_name__` in them stands for a message). */
const LOCALIZED_PATHS = [
  ["name"],
  ["short_name"],
  ["description"],
  ["action", "default_title"],
  ["browser_action", "default_title"],
  ["page_action", "default_title"],
];

/**
 * The UI language websession reports (`i18n.getUILanguage`): the runtime's default locale.
 *
 * @example
 * ```ts
 * uiLanguage(); // e.g. "en-US"
 * ```
 */
export function uiLanguage(): string {
  return new Intl.DateTimeFormat().resolvedOptions().locale || "en-US";
}

/**
 * Reads and merges the catalogs of `dir` for `language` (empty when there is no
 * `default_locale`).
 *
 * @example
 * ```ts ignore
 * const catalog = await readMessageCatalog(files.readText, "/ext", "en", "fr-FR");
 * catalog.greeting.message; // "Bonjour, $WHO$ !"
 * ```
 */
export async function readMessageCatalog(
  readText: (path: string) => Promise<string>,
  dir: string,
  defaultLocale: unknown,
  language: string,
): Promise<MessageCatalog> {
  if (defaultLocale === undefined) return {};
  if (typeof defaultLocale !== "string" || !/^[A-Za-z0-9_-]+$/.test(defaultLocale)) {
    throw new TypeError(`${dir}/manifest.json: default_locale: must be a locale name like "en"`);
  }
  const catalog = await readLocale(readText, dir, defaultLocale, true);
  const full = language.replaceAll("-", "_");
  const chain = [full.split("_")[0], full].filter((l) => l !== defaultLocale);
  for (const locale of [...new Set(chain)]) {
    Object.assign(catalog, await readLocale(readText, dir, locale, false));
  }
  return catalog;
}

async function readLocale(
  readText: (path: string) => Promise<string>,
  dir: string,
  locale: string,
  required: boolean,
): Promise<MessageCatalog> {
  const file = `${dir}/_locales/${locale}/messages.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(await readText(file));
  } catch (error) {
    if (!required && (error as { code?: string }).code === "ENOENT") return {};
    throw new TypeError(`${file}: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TypeError(`${file}: must be a JSON object of messages`);
  }
  const catalog: MessageCatalog = {};
  for (const [name, value] of Object.entries(raw)) {
    catalog[name.toLowerCase()] = catalogMessage(file, name, value);
  }
  return catalog;
}

function catalogMessage(file: string, name: string, value: unknown): CatalogMessage {
  const entry = value as { message?: unknown; placeholders?: unknown } | null;
  if (typeof entry?.message !== "string") {
    throw new TypeError(`${file}: ${name}.message: must be a string`);
  }
  const placeholders: Record<string, string> = {};
  const given = entry.placeholders ?? {};
  if (given === null || typeof given !== "object") {
    throw new TypeError(`${file}: ${name}.placeholders: must be an object`);
  }
  for (const [placeholder, spec] of Object.entries(given)) {
    const content = (spec as { content?: unknown } | null)?.content;
    if (typeof content !== "string") {
      throw new TypeError(`${file}: ${name}.placeholders.${placeholder}.content: must be a string`);
    }
    placeholders[placeholder.toLowerCase()] = content;
  }
  return { message: entry.message, placeholders };
}

/**
 * Replaces `__MSG_name__` in the manifest's localized strings (name, short_name, description,
 * the actions' default_title) with the messages, as Chrome does at load when there is a
 * `default_locale`; a message that is not there is a TypeError naming the field.
 *
 * @example
 * ```ts
 * const manifest = { manifest_version: 3 as const, name: "__MSG_n__", version: "1" };
 * const catalog = { n: { message: "Named", placeholders: {} } };
 * localizeManifest(manifest, catalog, { extensionId: "x", uiLanguage: "en" }, "/e/manifest.json")
 *   .name; // "Named"
 * ```
 */
export function localizeManifest(
  manifest: ExtensionManifest,
  catalog: MessageCatalog,
  context: I18nContext,
  file: string,
): ExtensionManifest {
  if (manifest.default_locale === undefined) return manifest;
  const localized = structuredClone(manifest);
  for (const path of LOCALIZED_PATHS) {
    const parent = path.slice(0, -1).reduce<unknown>(
      (object, key) => (object as Record<string, unknown> | undefined)?.[key],
      localized,
    ) as Record<string, unknown> | undefined;
    const key = path.at(-1)!;
    if (typeof parent?.[key] !== "string") continue;
    parent[key] = (parent[key] as string).replace(/__MSG_([A-Za-z0-9_@]+?)__/g, (_m, name) => {
      const lower = name.toLowerCase();
      if (!lower.startsWith("@@") && !Object.hasOwn(catalog, lower)) {
        throw new TypeError(
          `${file}: ${path.join(".")}: Variable __MSG_${name}__ used but not defined.`,
        );
      }
      return formatMessage(catalog, context, name) ?? "";
    });
  }
  return localized;
}
