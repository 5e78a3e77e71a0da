/**
 * The dictionaries of a session: each language's dictionary is loaded once, on first use, from the
 * bundled dictionaries when there is one for it, else from the partition's cache, else downloaded
 * from the session's download URL through the session's own `fetch` (so proxy, webRequest rules
 * and the net log apply) and cached. Electron's events say what happens:
 * `spellcheck-dictionary-download-begin`, `-download-success`, `-download-failure` and
 * `spellcheck-dictionary-initialized`, each with the language code. A failed language stays failed
 * (the others keep working) until the languages or the download URL are set again.
 *
 * Downloads fetch `<url><language-region>.aff` and `.dic`, lowercased as Chromium lowercases the
 * names it asks for (`https://example.com/dicts/it-it.aff` for `it`).
 *
 * @module
 */
import type { Store, StoreValue } from "../../kernel/store.ts";
import { dictionaryRegionOf } from "./languages.ts";
import {
  type BundledDictionaries,
  decodeHunspell,
  type HunspellFiles,
  type HunspellText,
} from "./hunspell_files.ts";
import type { LanguageChecker } from "./language_checker.ts";

/** What the dictionaries of a session need from it. */
export interface DictionariesHost {
  /** The bundled dictionaries (null: none, everything is downloaded). */
  bundled: BundledDictionaries | null;
  /** The session's fetch (the pipeline). */
  fetch(url: string, init: { signal: AbortSignal }): Promise<Response>;
  /** The plugin's store, where downloaded dictionaries are cached. */
  store: Store;
  /** Emits a session event. */
  emit(event: string, language: string, ...more: unknown[]): void;
  /** How long a download may take, in ms. */
  downloadTimeout: number;
  /** Reports an error that no caller sees (a failed cache write). */
  report(error: unknown): void;
}

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
 * A session's loaded, loading and failed dictionaries.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../adapters/store/memory.ts";
 * const dictionaries = new Dictionaries({
 *   bundled: () => Promise.resolve({ aff: "SET UTF-8\n", dic: "1\nhello\n" }),
 *   fetch: (url) => fetch(url),
 *   store: new MemoryStore(),
 *   emit: () => {},
 *   downloadTimeout: 30_000,
 *   report: console.error,
 * });
 * const checker = await dictionaries.load("en-US");
 * checker.correct("hello"); // true
 * ```
 */
export class Dictionaries {
  readonly #host: DictionariesHost;
  readonly #loading = new Map<string, Promise<LanguageChecker>>();
  readonly #failed = new Map<string, Error>();
  #downloadUrl: string | null = null;
  #closed = false;

  /** Dictionaries loaded through `host`. */
  constructor(host: DictionariesHost) {
    this.#host = host;
  }

  /** The base URL downloads use (null: none set). */
  get downloadUrl(): string | null {
    return this.#downloadUrl;
  }

  /** Sets the base URL downloads use; languages that failed are tried again on next use. */
  set downloadUrl(url: string | null) {
    this.#downloadUrl = url;
    this.retryFailed();
  }

  /**
   * The session closed: dictionaries still loading are not built, and none is loaded afterwards
   * (a build is seconds of CPU nobody would use).
   */
  close(): void {
    this.#closed = true;
  }

  /** Forgets the failures, so that failed languages are tried again on next use. */
  retryFailed(): void {
    for (const language of this.#failed.keys()) this.#loading.delete(language);
    this.#failed.clear();
  }

  /** The failure of a language, if its dictionary could not be loaded. */
  failureOf(language: string): Error | undefined {
    return this.#failed.get(language);
  }

  /** The checker of a language, loading its dictionary on first use. */
  load(language: string): Promise<LanguageChecker> {
    let loading = this.#loading.get(language);
    if (loading === undefined) {
      loading = this.#open(language).catch((error) => {
        this.#failed.set(language, error instanceof Error ? error : new Error(String(error)));
        throw error;
      });
      loading.catch(() => {}); // the failure is kept; callers see it when they ask
      this.#loading.set(language, loading);
    }
    return loading;
  }

  /**
   * The checkers of the languages that load; the failed ones are left out (their failure was
   * emitted). Rejects only when none of them loads.
   */
  async loadAll(languages: readonly string[]): Promise<LanguageChecker[]> {
    const settled = await Promise.allSettled(languages.map((l) => this.load(l)));
    const checkers: LanguageChecker[] = [];
    const errors: unknown[] = [];
    for (const result of settled) {
      if (result.status === "fulfilled") checkers.push(result.value);
      else errors.push(result.reason);
    }
    if (checkers.length === 0 && errors.length > 0) {
      const what = errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
      throw new Error(`No dictionary could be loaded for ${languages.join(", ")}: ${what}`, {
        cause: errors[0],
      });
    }
    return checkers;
  }

  async #open(language: string): Promise<LanguageChecker> {
    const region = dictionaryRegionOf(language);
    const host = this.#host;
    const isOpen = () => !this.#closed;
    const bundled = host.bundled ? bundledChecker(host.bundled, region, language, isOpen) : null;
    let checker: LanguageChecker;
    if (bundled !== null) {
      checker = await bundled.catch((error) => {
        // Another session sharing the build closed first: this one builds it itself.
        if (!(error instanceof SessionClosedError) || !isOpen()) throw error;
        return bundledChecker(host.bundled!, region, language, isOpen)!;
      });
    } else {
      const text = (await this.#cached(region, language)) ??
        (await this.#download(language, region));
      const { LanguageChecker } = await checkerModule();
      if (!isOpen()) {
        throw new SessionClosedError(`The session closed before ${language} was built`);
      }
      checker = new LanguageChecker(language, text);
    }
    host.emit("spellcheck-dictionary-initialized", language);
    return checker;
  }

  async #cached(region: string, language: string): Promise<HunspellText | null> {
    const value = await this.#host.store.get(CACHE_PREFIX + region);
    if (value === undefined || value === null || typeof value !== "object") return null;
    const { aff, dic } = value as { aff?: StoreValue; dic?: StoreValue };
    if (typeof aff !== "string" || typeof dic !== "string") return null;
    try {
      return decodeHunspell({ aff, dic }, language);
    } catch {
      return null; // a damaged cache entry: download again
    }
  }

  async #download(language: string, region: string): Promise<HunspellText> {
    const host = this.#host;
    const base = this.#downloadUrl;
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
        this.#fetchFile(`${base}${name}.aff`, signal),
        this.#fetchFile(`${base}${name}.dic`, signal),
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

  async #fetchFile(url: string, signal: AbortSignal): Promise<Uint8Array> {
    const response = await this.#host.fetch(url, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`Downloading ${url} failed: HTTP ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }
}
