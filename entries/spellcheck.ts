/**
 * The `./spellcheck` subpath for Deno and Bun: the spellcheck plugin (`plugins/spellcheck/mod.ts`)
 * with the bundled dictionaries of these runtimes handed in (`presets/default.ts`: the
 * `dictionary-*` npm packages), and the kernel configured for the runtime (`runtime_setup.ts`), so
 * that importing it alone gives a working default session.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { spellcheckPlugin } from "./spellcheck.ts";
 * const ses = session.fromPartition("checked", { plugins: [spellcheckPlugin] });
 * ses.setSpellCheckerLanguages(["en-US"]);
 * await ses.spellChecker.check("Helo world"); // [{ start: 0, end: 4, word: "Helo" }]
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/spellcheck/mod.ts";
export { createSpellcheckPlugin, spellcheckPlugin } from "../presets/default.ts";
export {
  NPM_DICTIONARY_REGIONS,
  npmDictionaries,
  type NpmDictionaryFiles,
} from "../adapters/spellcheck/npm_dictionaries.ts";
