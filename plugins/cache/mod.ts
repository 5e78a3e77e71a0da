/**
 * The cache plugin: an RFC 9111 private HTTP cache per partition, on by default as Electron's
 * (`session.fromPartition(p, { cache: false })` turns it off), with Electron's
 * `ses.getCacheSize()` and `ses.clearCache()`. Freshness (`max-age`, `Expires`, the 10%
 * heuristic), validation (`ETag`/`If-None-Match`, `Last-Modified`/`If-Modified-Since`, 304
 * merging), `Vary`, `no-store`, `no-cache`, `must-revalidate` and `stale-while-revalidate` are
 * decided by http-cache-semantics; the request's `Cache-Control` and fetch's `cache` mode are
 * honoured (`only-if-cached` without a usable entry fails with `net::ERR_CACHE_MISS`). It is a
 * `transport` tap (order `normal`): after `beforeSendHeaders` (cookies, webRequest) and the
 * protocol handlers, before the proxy's tap and the transport. Responses it answers have
 * `details.fromCache === true` in webRequest.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("cache-example");
 * await ses.getCacheSize(); // 0
 * await ses.clearCache();
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { FileSystem } from "../../kernel/storage/files.ts";
import { sendOnward, withHeaders } from "./_onward.ts";
import type { StorageClearing } from "../../kernel/plugin.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import type { CacheEngine } from "./_engine.ts";
import type { HttpCache } from "./http_cache.ts";

export type * from "../../kernel/mod.ts";
export type { CacheMode } from "./http_cache.ts";
export { FROM_CACHE } from "./_from_cache.ts";

// The engine (http-cache-semantics, a CommonJS package: on Deno it starts the Node layer) loads
// with a session's first cacheable request or member call (issue #24).
const engine = onFirstUse(
  "the HTTP cache (plugins/cache/_engine.ts)",
  () => import("./_engine.ts"),
);

/**
 * The session members the cache plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: CacheMembers = session.fromPartition("cache-members");
 * await ses.getCacheSize(); // 0
 * ```
 */
export interface CacheMembers {
  /** Electron's `ses.getCacheSize()`: the bytes the session's HTTP cache uses. */
  getCacheSize(): Promise<number>;
  /** Electron's `ses.clearCache()`: empties the session's HTTP cache. */
  clearCache(): Promise<void>;
}

/** Options of {@link createCachePlugin}. */
export interface CachePluginOptions {
  /** Files for large bodies of persistent partitions (without: they stay in the store's rows). */
  files?: FileSystem;
  /** The size limit of a persistent partition's cache in bytes (default 80 MiB, Chromium's). */
  maxDiskSize?: number;
  /** The size limit of an in-memory partition's cache in bytes (default 32 MiB). */
  maxMemorySize?: number;
}

const LABEL = "http-cache";
const HTTP_URL = /^https?:/i;

function checkSize(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`createCachePlugin: ${name} must be a non-negative integer`);
  }
  return value;
}

/**
 * Makes the cache plugin. An entry larger than an eighth of the limit is not stored (Chromium's
 * rule); the least recently used entries go first when the limit is reached.
 *
 * @example
 * ```ts
 * const plugin = createCachePlugin({ maxMemorySize: 1 << 20 });
 * plugin.name; // "cache"
 * ```
 */
export function createCachePlugin(options: CachePluginOptions = {}): Plugin<CacheMembers> {
  const maxDisk = checkSize(options.maxDiskSize, "maxDiskSize", 80 * 1024 * 1024);
  const maxMemory = checkSize(options.maxMemorySize, "maxMemorySize", 32 * 1024 * 1024);
  return definePlugin<CacheMembers>({
    manifest,
    setup(ctx) {
      const ses = ctx.session;
      const persistent = ses.isPersistent() && ses.storagePath !== null;
      const maxSize = persistent ? maxDisk : maxMemory;
      const files = persistent ? options.files ?? null : null;
      let cache: HttpCache | undefined;
      let made: Promise<CacheEngine> | undefined;
      const make = () =>
        made ??= engine().then(({ makeCache }) => {
          const made = makeCache(
            {
              store: persistent ? ctx.store : null,
              files,
              directory: files ? `${ses.storagePath}/Cache` : null,
              maxSize,
            },
            (request, headers) =>
              sendOnward(
                ses.pipeline,
                ses.transport,
                headers ? withHeaders(request, headers) : request,
                manifest.name,
                LABEL,
              ),
            {
              maxEntrySize: Math.floor(maxSize / 8),
              report: (error) => ctx.report(error, "cache"),
            },
          );
          cache = made.cache;
          return made;
        }, (error) => {
          made = undefined; // tried again by the next use
          throw error;
        });
      if (ses.cache) {
        ctx.tap(
          "transport",
          (request) =>
            cache !== undefined
              ? cache.handle(request)
              : make().then(({ cache }) => cache.handle(request)),
          {
            label: LABEL,
            // The URL's text, not urlParts: parsing it would cost every hit (bench/cache.ts).
            filter: (request) => HTTP_URL.test(request.url),
          },
        );
      }
      ctx.onClearStorage(async (clearing: StorageClearing) => {
        if (!clearing.includes("cache")) return;
        const { storage, cache } = await make();
        await cache.settled();
        if (clearing.origins === null && clearing.excludeOrigins === null) {
          return await storage.clear();
        }
        await storage.load();
        for (const url of storage.urls()) {
          if (clearing.matchesOrigin(new URL(url).origin)) await storage.delete(url);
        }
      }, "cache");
      ctx.provide({
        async getCacheSize() {
          const { storage, cache } = await make();
          await storage.load();
          await cache.settled();
          return storage.size();
        },
        async clearCache() {
          const { storage, cache } = await make();
          await storage.load();
          await cache.settled();
          await storage.clear();
        },
      });
      // A persistent partition reads its stored entries at setup, as before (it opens its store
      // then too); an in-memory one loads the engine with its first cacheable request.
      return persistent ? make().then(({ storage }) => storage.load()) : undefined;
    },
  });
}

/**
 * The cache plugin without files: large bodies of persistent partitions go into the store's rows.
 * The default preset of Deno and Bun uses `createCachePlugin({ files: nodeFiles })`.
 *
 * @example
 * ```ts
 * cachePlugin.manifest.api; // ["getCacheSize", "clearCache"]
 * ```
 */
export const cachePlugin: Plugin<CacheMembers> = createCachePlugin();
