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
import type { Store } from "../../kernel/store.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import type { BundledDictionaries } from "./hunspell_files.ts";
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

/**
 * How a dictionary is opened (bundled, cached or downloaded; decoded; the checker built): loaded
 * with the first dictionary a session asks for (cold start, #24; in the browser bundle, a chunk).
 */
const dictionaryOpener = onFirstUse(
  "the spellcheck dictionaries' loader (plugins/spellcheck/_dictionary_open.ts)",
  () => import("./_dictionary_open.ts"),
);

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
    const { openDictionary } = await dictionaryOpener();
    return await openDictionary(
      this.#host,
      language,
      () => this.#downloadUrl,
      () => !this.#closed,
    );
  }
}
