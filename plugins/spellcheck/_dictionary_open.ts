/**
 * Opening one language's dictionary for a session's `Dictionaries` (`dictionaries.ts`): from the bundled
 * dictionaries when there is one for it (built once per process and bundled source), else from the
 * partition's cache, else downloaded through the session's `fetch` and cached, with Electron's
 * `spellcheck-dictionary-*` events. Loaded with the first dictionary a session asks for.
 *
 * @module
 */
import type { StoreValue } from "../../kernel/store.ts";
import { dictionaryRegionOf } from "./languages.ts";
import {
  type BundledDictionaries,
  decodeHunspell,
  type HunspellFiles,
  type HunspellText,
} from "./hunspell_files.ts";
import type { LanguageChecker } from "./language_checker.ts";
import type { DictionariesHost } from "./dictionaries.ts";

const CACHE_PREFIX = "dictionary/";

/**
 * Checkers built from bundled dictionaries, shared by every session of the process that has the
 * same bundled source (a checker is never changed after it is built: custom words are kept apart),
 * so that a dictionary is parsed and held in memory once.
 */
const sharedBundled = new WeakMap<BundledDictionaries, Map<string, Promise<LanguageChecker>>>();

/**
 * The checker (and nspell, a CommonJS package) load with the first dictionary, not with the session
 * (issue #24's cold start; in the browser bundle, a chunk).
 */
const checkerModule = () => import("./language_checker.ts");

/**
 * A dictionary's build was dropped because the session that asked for it closed first: parsing a
 * dictionary takes seconds of CPU, which a closed session, and a process on its way out, should
 * not wait for.
 */
class SessionClosedError extends Error {
  override name = "SessionClosedError";
}

function bundledChecker(
  source: BundledDictionaries,
  region: string,
  language: string,
  isOpen: () => boolean,
): Promise<LanguageChecker> | null {
  let byRegion = sharedBundled.get(source);
  if (byRegion === undefined) sharedBundled.set(source, byRegion = new Map());
  const known = byRegion.get(region);
  if (known !== undefined) return known;
  const files = source(region);
  if (files === null) return null;
  const checker = Promise.all([files, checkerModule()]).then(([f, { LanguageChecker }]) => {
    if (!isOpen()) throw new SessionClosedError(`The session closed before ${language} was built`);
    return new LanguageChecker(language, decodeHunspell(f, language));
  });
  byRegion.set(region, checker);
  checker.catch(() => byRegion.delete(region));
  return checker;
}

/**
 * The checker of `language`, built from the bundled, cached or downloaded dictionary (from
 * `downloadUrl()` at the time of the download); rejects once `isOpen()` says the session closed.
 * `Dictionaries` (`dictionaries.ts`) keeps one load per language.
 *
 * @example
 * ```ts ignore
 * const checker = await openDictionary(host, "en-US", () => null, () => true);
 * ```
 */
export async function openDictionary(
  host: DictionariesHost,
  language: string,
  downloadUrl: () => string | null,
  isOpen: () => boolean,
): Promise<LanguageChecker> {
  const region = dictionaryRegionOf(language);
  const bundled = host.bundled ? bundledChecker(host.bundled, region, language, isOpen) : null;
  let checker: LanguageChecker;
  if (bundled !== null) {
    checker = await bundled.catch((error) => {
      // Another session sharing the build closed first: this one builds it itself.
      if (!(error instanceof SessionClosedError) || !isOpen()) throw error;
      return bundledChecker(host.bundled!, region, language, isOpen)!;
    });
  } else {
    const text = (await cached(host, region, language)) ??
      (await download(host, language, region, downloadUrl()));
    const { LanguageChecker } = await checkerModule();
    if (!isOpen()) {
      throw new SessionClosedError(`The session closed before ${language} was built`);
    }
    checker = new LanguageChecker(language, text);
  }
  host.emit("spellcheck-dictionary-initialized", language);
  return checker;
}

async function cached(
  host: DictionariesHost,
  region: string,
  language: string,
): Promise<HunspellText | null> {
  const value = await host.store.get(CACHE_PREFIX + region);
  if (value === undefined || value === null || typeof value !== "object") return null;
  const { aff, dic } = value as { aff?: StoreValue; dic?: StoreValue };
  if (typeof aff !== "string" || typeof dic !== "string") return null;
  try {
    return decodeHunspell({ aff, dic }, language);
  } catch {
    return null; // a damaged cache entry: download again
  }
}

async function download(
  host: DictionariesHost,
  language: string,
  region: string,
  base: string | null,
): Promise<HunspellText> {
  if (base === null) {
    const error = new Error(
      `No dictionary for ${language} is bundled and no download URL is set (ses.setSpellCheckerDictionaryDownloadURL)`,
    );
    host.emit("spellcheck-dictionary-download-failure", language, error);
    throw error;
  }
  host.emit("spellcheck-dictionary-download-begin", language);
  let text: HunspellText;
  const signal = AbortSignal.timeout(host.downloadTimeout);
  try {
    const name = region.toLowerCase();
    const [aff, dic] = await Promise.all([
      fetchFile(host, `${base}${name}.aff`, signal),
      fetchFile(host, `${base}${name}.dic`, signal),
    ]);
    text = decodeHunspell({ aff, dic } satisfies HunspellFiles, language);
  } catch (error) {
    const reason = signal.aborted
      ? new Error(
        `The ${language} dictionary did not download within ${host.downloadTimeout} ms`,
        { cause: error },
      )
      : error;
    host.emit("spellcheck-dictionary-download-failure", language, reason);
    throw reason;
  }
  host.emit("spellcheck-dictionary-download-success", language);
  host.store.set(CACHE_PREFIX + region, { aff: text.aff, dic: text.dic }).catch(host.report);
  return text;
}

async function fetchFile(
  host: DictionariesHost,
  url: string,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const response = await host.fetch(url, { signal });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Downloading ${url} failed: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
