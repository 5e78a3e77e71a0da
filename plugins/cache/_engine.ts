/**
 * The cache plugin's engine (its storage and the RFC 9111 logic on http-cache-semantics), loaded
 * by the plugin on a session's first cacheable request or first member call, not when the plugin
 * is imported (issue #24).
 *
 * @module
 */
import { CacheStorage, type CacheStorageOptions } from "./cache_storage.ts";
import { HttpCache, type Onward } from "./http_cache.ts";

/** A session's cache: its storage and the transport tap's logic over it. */
export interface CacheEngine {
  /** The entries. */ storage: CacheStorage;
  /** The tap's logic. */ cache: HttpCache;
}

/**
 * Makes a session's cache.
 *
 * @example
 * ```ts ignore
 * const { storage, cache } = makeCache({ store: null, files: null, directory: null, maxSize: 1 << 20 },
 *   onward, { maxEntrySize: 1 << 17, report: console.error });
 * ```
 */
export function makeCache(
  options: CacheStorageOptions,
  onward: Onward,
  cacheOptions: ConstructorParameters<typeof HttpCache>[2],
): CacheEngine {
  const storage = new CacheStorage(options);
  return { storage, cache: new HttpCache(storage, onward, cacheOptions) };
}
