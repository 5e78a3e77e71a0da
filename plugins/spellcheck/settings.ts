/**
 * The spellchecker's settings of a session, as Electron keeps them in the profile's preferences:
 * whether it is enabled (default true) and its languages (default: the runtime's locale, else
 * en-US). They are written to the partition's store, so persistent partitions keep them across
 * restarts; a setting changed before the stored ones are read wins over them.
 *
 * @module
 */
import type { Store } from "../../kernel/store.ts";
import { spellcheckLanguageFor } from "./languages.ts";

const KEY = "settings";

/**
 * Enabled flag and languages of one session's spellchecker.
 *
 * @example
 * ```ts
 * const settings = new SpellcheckSettings(null, ["en-US"]);
 * settings.languages = ["de"];
 * settings.enabled; // true
 * ```
 */
export class SpellcheckSettings {
  #enabled = true;
  #languages: string[];
  #changed = false;
  readonly #store: Store | null;
  readonly #onError: (error: unknown) => void;
  #pending: Promise<unknown> = Promise.resolve();

  /** Settings saved in `store` (null: nowhere), starting with `languages`. */
  constructor(
    store: Store | null,
    languages: string[],
    onError: (error: unknown) => void = () => {},
  ) {
    this.#store = store;
    this.#languages = languages;
    this.#onError = onError;
  }

  /** Reads the stored settings, unless they were changed meanwhile. */
  async load(): Promise<void> {
    const stored = await this.#store?.get(KEY);
    if (this.#changed || stored === undefined || stored === null || typeof stored !== "object") {
      return;
    }
    const { enabled, languages } = stored as { enabled?: unknown; languages?: unknown };
    if (typeof enabled === "boolean") this.#enabled = enabled;
    if (Array.isArray(languages)) {
      this.#languages = languages.filter((l): l is string =>
        typeof l === "string" && spellcheckLanguageFor(l) === l
      );
    }
  }

  /** Whether the spellchecker is enabled. */
  get enabled(): boolean {
    return this.#enabled;
  }

  set enabled(enabled: boolean) {
    this.#enabled = enabled;
    this.#save();
  }

  /** The languages (accepted codes). */
  get languages(): readonly string[] {
    return this.#languages;
  }

  set languages(languages: readonly string[]) {
    this.#languages = [...languages];
    this.#save();
  }

  /** Resolves when every change so far reached the store. */
  async flush(): Promise<void> {
    await this.#pending;
  }

  #save(): void {
    this.#changed = true;
    const store = this.#store;
    if (store === null) return;
    const value = { enabled: this.#enabled, languages: [...this.#languages] };
    this.#pending = this.#pending.then(() => store.set(KEY, value)).catch(this.#onError);
  }
}
