/**
 * What websession caches of name resolution: the answers of `ses.resolveHost` (and `preconnect`),
 * kept for a minute as Chromium keeps system resolver answers. `ses.clearHostResolverCache()`
 * empties it. The runtime's own fetch (Deno's hyper/reqwest pool, Bun's) resolves and caches by
 * itself, out of reach: clearing cannot reach into it.
 *
 * @module
 */

/** One cached answer. */
interface Entry {
  addresses: readonly string[];
  expires: number;
}

/**
 * A cache of addresses per host and query type.
 *
 * @example
 * ```ts
 * const cache = new HostCache(60_000);
 * cache.set("a.test|A", ["10.0.0.1"]);
 * cache.get("a.test|A", false); // ["10.0.0.1"]
 * ```
 */
export class HostCache {
  #ttl: number;
  #entries = new Map<string, Entry>();

  /** A cache whose entries live `ttl` ms. */
  constructor(ttl: number) {
    this.#ttl = ttl;
  }

  /** The cached addresses, or null; `stale` also returns expired ones. */
  get(key: string, stale: boolean): readonly string[] | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (!stale && entry.expires <= Date.now()) return null;
    return entry.addresses;
  }

  /** Stores an answer. */
  set(key: string, addresses: readonly string[]): void {
    this.#entries.set(key, { addresses, expires: Date.now() + this.#ttl });
  }

  /** How many answers are cached. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets every answer. */
  clear(): void {
    this.#entries.clear();
  }
}
