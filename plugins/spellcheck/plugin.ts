/**
 * The spellcheck plugin's factory: what a preset needs, without nspell and the language checker,
 * which load with the first dictionary (issue #24's cold start).
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { CustomDictionary } from "./custom_dictionary.ts";
import { Dictionaries } from "./dictionaries.ts";
import type { BundledDictionaries } from "./hunspell_files.ts";
import { defaultLanguages } from "./languages.ts";
import { SpellcheckSettings } from "./settings.ts";
import { SpellChecker } from "./spell_checker.ts";
import { type SpellcheckMembers, spellcheckMembers } from "./session_api.ts";

export type { SpellcheckMembers } from "./session_api.ts";

/** Options of {@linkcode createSpellcheckPlugin}. */
export interface SpellcheckPluginOptions {
  /** The bundled dictionaries (default none: every language is downloaded). */
  dictionaries?: BundledDictionaries | null;
  /** How long a dictionary download may take, in ms (default 60,000). */
  downloadTimeout?: number;
  /** The download URL every session starts with (default none). */
  downloadUrl?: string;
  /** The locale the default languages follow (default the runtime's `navigator.language`). */
  locale?: string;
}

function runtimeLocale(): string | undefined {
  const nav = (globalThis as { navigator?: { language?: unknown } }).navigator;
  return typeof nav?.language === "string" ? nav.language : undefined;
}

/**
 * Makes the spellcheck plugin with options.
 *
 * @example
 * ```ts
 * const plugin = createSpellcheckPlugin({ downloadTimeout: 10_000 });
 * plugin.name; // "spellcheck"
 * ```
 */
export function createSpellcheckPlugin(
  options: SpellcheckPluginOptions = {},
): Plugin<SpellcheckMembers> {
  const downloadTimeout = options.downloadTimeout ?? 60_000;
  if (!Number.isFinite(downloadTimeout) || downloadTimeout <= 0) {
    throw new TypeError("Plugin spellcheck: downloadTimeout must be a positive number of ms");
  }
  if (options.downloadUrl !== undefined && !URL.canParse(options.downloadUrl)) {
    throw new TypeError(
      `Plugin spellcheck: downloadUrl is not a valid URL: ${options.downloadUrl}`,
    );
  }
  return definePlugin<SpellcheckMembers>({
    manifest,
    setup(ctx) {
      const session = ctx.session;
      const persistent = session.isPersistent();
      const report = (error: unknown) => ctx.report(error, "store");
      const settings = new SpellcheckSettings(
        ctx.store,
        defaultLanguages(options.locale ?? runtimeLocale()),
        report,
      );
      const custom = new CustomDictionary(persistent ? ctx.store : null, report);
      const dictionaries = new Dictionaries({
        bundled: options.dictionaries ?? null,
        fetch: (url, init) => session.fetch(url, init),
        store: ctx.store,
        emit: (event, ...args) => session.emit(event, ...args),
        downloadTimeout,
        report,
      });
      if (options.downloadUrl !== undefined) dictionaries.downloadUrl = options.downloadUrl;
      const ready = Promise.all([settings.load(), custom.load()]).then(() => {});
      const spellChecker = new SpellChecker(dictionaries, custom, {
        enabled: () => settings.enabled,
        languages: () => settings.languages,
        ready: () => ready,
      });
      const members = spellcheckMembers({
        settings,
        dictionaries,
        custom,
        spellChecker,
        persistent,
        ready,
        report,
      });
      const descriptors = Object.getOwnPropertyDescriptors(members);
      const values: Record<string, unknown> = {};
      for (const [name, descriptor] of Object.entries(descriptors)) {
        values[name] = "value" in descriptor ? descriptor.value : undefined;
      }
      ctx.provide(values);
      // ctx.provide() defines values; Electron's spellCheckerEnabled and
      // availableSpellCheckerLanguages are properties, so their accessors replace them.
      for (const [name, descriptor] of Object.entries(descriptors)) {
        if ("value" in descriptor) continue;
        Object.defineProperty(session, name, {
          get: descriptor.get,
          set: descriptor.set,
          configurable: true,
          enumerable: true,
        });
      }
      // ses.clearStorageData() empties the partition's store, where the custom words live: the
      // words in memory go with them, so that what the session answers is what a restart finds.
      // A clearing narrowed to storages or origins keeps the store, and the words.
      ctx.onClearStorage((clearing) => clearing.everything ? custom.clear() : undefined);
      ctx.onFlush(async () => {
        await Promise.all([settings.flush(), custom.flush()]);
      });
      ctx.onTeardown(() => dictionaries.close());
      return ready;
    },
  });
}

/**
 * The spellcheck plugin without bundled dictionaries (every language is downloaded from the
 * session's download URL): the one pages use. The Deno/Bun preset's, with the `dictionary-*`
 * packages, is `spellcheckPlugin` of `presets/default.ts` (the `./spellcheck` entry).
 *
 * @example
 * ```ts
 * downloadOnlySpellcheckPlugin.manifest.api.includes("spellChecker"); // true
 * ```
 */
export const downloadOnlySpellcheckPlugin: Plugin<SpellcheckMembers> = createSpellcheckPlugin();
