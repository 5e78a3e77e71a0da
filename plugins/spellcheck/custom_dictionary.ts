/**
 * The custom dictionary of a session (Electron's `addWordToSpellCheckerDictionary` & co): the words
 * a user added, accepted in every language. As in Chromium, a word is valid when it is not empty,
 * at most 99 bytes of UTF-8 and without leading or trailing whitespace; matching ignores case
 * (Chromium compares the lowercased word). Persistent partitions keep one store row per word, so
 * that an add or a remove is one small write.
 *
 * @module
 */
import type { Store } from "../../kernel/store.ts";

/** Chromium's limit on a custom word, in bytes of UTF-8 (`kMaxCustomDictionaryWordBytes`). */
export const MAX_CUSTOM_WORD_BYTES = 99;

const PREFIX = "word/";
const ASCII_SPACE = /^[\t\n\v\f\r ]|[\t\n\v\f\r ]$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const encoder = new TextEncoder();

/**
 * Whether Chromium accepts `word` into a custom dictionary.
 *
 * @example
 * ```ts
 * isValidCustomWord("websession"); // true
 * isValidCustomWord(" padded"); // false
 * ```
 */
export function isValidCustomWord(word: unknown): word is string {
  return typeof word === "string" && word.length > 0 && !ASCII_SPACE.test(word) &&
    encoder.encode(word).length <= MAX_CUSTOM_WORD_BYTES && !LONE_SURROGATE.test(word);
}

/**
 * A session's custom words, kept in its store when `store` is given (persistent partitions).
 *
 * @example
 * ```ts
 * const dictionary = new CustomDictionary(null);
 * dictionary.add("Zorblax"); // true
 * dictionary.accepts("zorblax"); // true
 * ```
 */
export class CustomDictionary {
  readonly #words = new Set<string>();
  readonly #lowered = new Map<string, number>();
  readonly #store: Store | null;
  readonly #onError: (error: unknown) => void;
  #pending: Promise<unknown> = Promise.resolve();

  /** `store`: where the words persist (null: nowhere); `onError` hears failed writes. */
  constructor(store: Store | null, onError: (error: unknown) => void = () => {}) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Reads the stored words (added to those added meanwhile). */
  async load(): Promise<void> {
    if (this.#store === null) return;
    for (const [key] of await this.#store.list(PREFIX)) this.#remember(key.slice(PREFIX.length));
  }

  /** Adds a word; false when it is invalid or already there. */
  add(word: string): boolean {
    if (!isValidCustomWord(word) || this.#words.has(word)) return false;
    this.#remember(word);
    this.#write((store) => store.set(PREFIX + word, true));
    return true;
  }

  /** Removes a word; false when it is invalid or not there. */
  remove(word: string): boolean {
    if (!isValidCustomWord(word) || !this.#words.delete(word)) return false;
    const lower = word.toLowerCase();
    const left = (this.#lowered.get(lower) ?? 1) - 1;
    if (left === 0) this.#lowered.delete(lower);
    else this.#lowered.set(lower, left);
    this.#write((store) => store.delete(PREFIX + word));
    return true;
  }

  /** Whether a word of a text is one of the custom words (ignoring case). */
  accepts(word: string): boolean {
    return this.#lowered.size > 0 && this.#lowered.has(word.toLowerCase());
  }

  /** The words, sorted as Chromium's set sorts them (by code point). */
  list(): string[] {
    return [...this.#words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The number of words. */
  get size(): number {
    return this.#words.size;
  }

  /** Resolves when every write made so far reached the store. */
  async flush(): Promise<void> {
    await this.#pending;
  }

  /** Forgets every word (and deletes them from the store). */
  async clear(): Promise<void> {
    const words = [...this.#words];
    this.#words.clear();
    this.#lowered.clear();
    this.#write((store) => store.batch(words.map((w) => ({ op: "delete", key: PREFIX + w }))));
    await this.flush();
  }

  #remember(word: string): void {
    if (this.#words.has(word)) return;
    this.#words.add(word);
    const lower = word.toLowerCase();
    this.#lowered.set(lower, (this.#lowered.get(lower) ?? 0) + 1);
  }

  #write(op: (store: Store) => Promise<void>): void {
    const store = this.#store;
    if (store === null) return;
    this.#pending = this.#pending.then(() => op(store)).catch(this.#onError);
  }
}
