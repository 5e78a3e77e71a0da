/**
 * A session's shared dictionaries (Chromium's `SharedDictionaryStorage`): per isolation key and per
 * origin of the dictionary's URL, one dictionary for each `match` and `match-dest`; a newer one
 * replaces it. A request uses the dictionary of its origin whose pattern matches its URL and whose
 * `match-dest` is empty or holds the request's destination, the longest `match` winning and then
 * the latest fetched; an expired one is dropped when met. Kept in the plugin's store: its
 * description under `meta/`, its bytes (base64) under `body/`, loaded on first use.
 *
 * @module
 */
import type { Store, StoreValue } from "../../kernel/store.ts";
import type { DictionaryDeclaration } from "./use_as_dictionary.ts";
import type { IsolationKey } from "./isolation_key.ts";
import { fromBase64, toBase64 } from "./base64.ts";

/** One stored dictionary. */
export interface StoredDictionary extends DictionaryDeclaration, IsolationKey {
  /** The URL it was fetched from. */ dictionaryUrl: string;
  /** When it was stored (ms since the epoch). */ lastFetchTime: number;
  /** When its response was received from the server (ms). */ responseTime: number;
  /** How long after `responseTime` it expires (ms). */ expiration: number;
  /** When a request last used it (ms). */ lastUsedTime: number;
  /** Its SHA-256 digest. */ hash: Uint8Array;
  /** Its bytes. */ bytes: Uint8Array;
}

interface Entry {
  dictionary: StoredDictionary;
  pattern: URLPattern;
  /** The origin of the dictionary's URL. */ origin: string;
}

/** The key of a dictionary in the store: isolation key, origin, match and destinations. */
function keyOf(d: StoredDictionary): string {
  const origin = new URL(d.dictionaryUrl).origin;
  return JSON.stringify([d.frameOrigin, d.topFrameSite, origin, d.match, d.matchDest]);
}

/**
 * A URL pattern for `match` against the dictionary's URL, or null when Chromium refuses it (not a
 * valid pattern, or one with regular-expression groups).
 *
 * @example
 * ```ts
 * dictionaryPattern("/js/*", "https://example.org/js/app.v1.js")?.test("https://example.org/js/x.js"); // true
 * dictionaryPattern("/(\\d+)", "https://example.org/"); // null
 * ```
 */
export function dictionaryPattern(match: string, dictionaryUrl: string): URLPattern | null {
  try {
    const pattern = new URLPattern(match, dictionaryUrl);
    const groups = (pattern as { hasRegExpGroups?: boolean }).hasRegExpGroups ??
      /(^|[^\\])\(/.test(match);
    return groups ? null : pattern;
  } catch {
    return null;
  }
}

function toRow(d: StoredDictionary): StoreValue {
  const { hash, bytes: _, ...rest } = d;
  return { ...rest, hash: toBase64(hash) };
}

/**
 * The dictionaries of one session.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../adapters/store/memory.ts";
 * const registry = new DictionaryRegistry(new MemoryStore());
 * await registry.usage(); // []
 * ```
 */
export class DictionaryRegistry {
  #store: Store;
  #entries = new Map<string, Entry>();
  #loaded: Promise<void> | null = null;
  #isLoaded = false;

  /** Keeps the dictionaries in `store` (the plugin's namespace). */
  constructor(store: Store) {
    this.#store = store;
  }

  /** Reads the stored dictionaries once. */
  load(): Promise<void> {
    return this.#loaded ??= (async () => {
      for (const [key, row] of await this.#store.list("meta/")) {
        const body = await this.#store.get(`body/${key.slice("meta/".length)}`);
        const meta = row as Record<string, unknown>;
        if (typeof body !== "string" || typeof meta.hash !== "string") continue;
        const dictionary = {
          ...meta,
          hash: fromBase64(meta.hash),
          bytes: fromBase64(body),
        } as StoredDictionary;
        const pattern = dictionaryPattern(dictionary.match, dictionary.dictionaryUrl);
        if (pattern) this.#set(dictionary, pattern);
      }
      this.#isLoaded = true;
    })();
  }

  /** Stores a dictionary, replacing the one of the same origin, match and destinations. */
  async add(dictionary: StoredDictionary, pattern: URLPattern): Promise<void> {
    await this.load();
    const key = this.#set(dictionary, pattern);
    await this.#store.batch([
      { op: "set", key: `meta/${key}`, value: toRow(dictionary) },
      { op: "set", key: `body/${key}`, value: toBase64(dictionary.bytes) },
    ]);
  }

  /** The dictionary a request to `url` with `destination` would announce, or null. */
  async find(
    key: IsolationKey,
    url: string,
    destination: string,
  ): Promise<StoredDictionary | null> {
    await this.load();
    if (this.#entries.size === 0) return null;
    const origin = new URL(url).origin;
    const now = Date.now();
    let best: StoredDictionary | null = null;
    for (const [storeKey, { dictionary: d, pattern, origin: from }] of this.#entries) {
      if (from !== origin) continue;
      if (d.frameOrigin !== key.frameOrigin || d.topFrameSite !== key.topFrameSite) continue;
      if (
        best && (best.match.length > d.match.length ||
          best.match.length === d.match.length && best.lastFetchTime > d.lastFetchTime)
      ) continue;
      if (d.matchDest.length > 0 && !d.matchDest.includes(destination)) continue;
      if (!pattern.test(url)) continue;
      if (d.responseTime + d.expiration <= now) {
        await this.#remove([storeKey]);
        continue;
      }
      best = d;
    }
    if (best) {
      best.lastUsedTime = now;
      await this.#store.set(`meta/${keyOf(best)}`, toRow(best));
    }
    return best;
  }

  /** The dictionaries of an isolation key. */
  async list(key: IsolationKey): Promise<StoredDictionary[]> {
    await this.load();
    return [...this.#entries.values()].map((e) => e.dictionary)
      .filter((d) => d.frameOrigin === key.frameOrigin && d.topFrameSite === key.topFrameSite);
  }

  /** Each isolation key that has dictionaries, with their total size in bytes. */
  async usage(): Promise<Array<IsolationKey & { totalSizeBytes: number }>> {
    await this.load();
    const totals = new Map<string, IsolationKey & { totalSizeBytes: number }>();
    for (const { dictionary: d } of this.#entries.values()) {
      const id = JSON.stringify([d.frameOrigin, d.topFrameSite]);
      const usage = totals.get(id) ??
        { frameOrigin: d.frameOrigin, topFrameSite: d.topFrameSite, totalSizeBytes: 0 };
      usage.totalSizeBytes += d.bytes.length;
      totals.set(id, usage);
    }
    return [...totals.values()];
  }

  /** Removes the dictionaries that `which` selects (all without it). */
  async clear(which: (d: StoredDictionary) => boolean = () => true): Promise<void> {
    await this.load();
    await this.#remove([...this.#entries].filter(([, e]) => which(e.dictionary)).map(([k]) => k));
  }

  /** Whether it is known to hold no dictionary (it was read, and nothing is in it). */
  get isEmpty(): boolean {
    return this.#isLoaded && this.#entries.size === 0;
  }

  /** The number of dictionaries stored (after `load()`). */
  get size(): number {
    return this.#entries.size;
  }

  #set(dictionary: StoredDictionary, pattern: URLPattern): string {
    const key = keyOf(dictionary);
    this.#entries.set(key, {
      dictionary,
      pattern,
      origin: new URL(dictionary.dictionaryUrl).origin,
    });
    return key;
  }

  async #remove(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.#entries.delete(key);
    await this.#store.batch(keys.flatMap((key) => [
      { op: "delete" as const, key: `meta/${key}` },
      { op: "delete" as const, key: `body/${key}` },
    ]));
  }
}
