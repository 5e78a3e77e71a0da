/**
 * Where the cache keeps its entries: one per URL (as Chromium's HTTP cache), in least recently
 * used order with a size limit. In memory for in-memory partitions; for `persist:` partitions
 * the entries' metadata are rows of the partition's store (`e/<url>`), small bodies inside the
 * row and larger ones in files of the partition's `Cache` folder.
 *
 * Volatile entries (responses stale on arrival that have no validator: only `force-cache` and
 * `only-if-cached` can ever use them) of persistent partitions stay in memory only, in a bounded
 * LRU of their own ({@link VOLATILE_LIMIT}): writing each of them to the store cost a SQLite
 * transaction per proxied request (the session server fell from ~15k to ~8k req/s).
 *
 * @module
 */
import CachePolicy from "http-cache-semantics";
import type { Store, StoreOperation, StoreValue } from "../../kernel/store.ts";
import type { FileSystem } from "../../kernel/storage/files.ts";

/** What the cache knows of a stored response besides its body. */
export interface CachedMeta {
  /** The policy (`CachePolicy#toObject()`). */
  policy: CachePolicy.CachePolicyObject;
  /** The status code. */
  status: number;
  /** The status text. */
  statusText: string;
  /** The response headers as stored (no `Set-Cookie`). */
  headers: Array<[string, string]>;
  /** The body's size in bytes. */
  bodySize: number;
  /** Stale on arrival without a validator: only `force-cache` and `only-if-cached` use it. */
  volatile?: boolean;
}

/** A stored response. */
export interface CachedEntry extends CachedMeta {
  /** The body. */
  body: Uint8Array;
}

interface Slot {
  meta: CachedMeta;
  /** The body, for in-memory partitions. */
  body: Uint8Array | null;
  /** The body's file, for large bodies of persistent partitions. */
  file: string | null;
  /** What the entry counts against the limit. */
  size: number;
  /** The policy as an object of the library, made on first use. */
  live: CachePolicy | null;
  /** For the fast path: fresh until this time (ms), with these headers (no `Age`). */
  fast: FastAnswer | null;
  /** Kept in memory only, though the partition has a store (see the module's comment). */
  volatile: boolean;
}

/**
 * What a hit without Vary needs, computed once per stored response: the time it stays fresh and
 * the headers to answer with (the library's `responseHeaders()` less `Age`).
 */
export interface FastAnswer {
  /** Fresh until (ms since the epoch); 0 when the fast path does not apply (Vary). */
  freshUntil: number;
  /** The headers (lower-case names, each once), as a record: Deno's Response constructor does more
   * work for a Headers object (it prepares native headers for serving). */
  headers: Record<string, string>;
  /** The stored `Age` value and the response time (ms), to compute `Age`. */
  ageValue: number;
  /** When the response was received (ms since the epoch). */
  responseTime: number;
}

/** A stored response whose body is in memory, with its live policy. */
export interface HotEntry {
  /** The metadata. */
  meta: CachedMeta;
  /** The body. */
  body: Uint8Array;
  /** The policy. */
  policy: CachePolicy;
  /** The fast path's answer. */
  fast: FastAnswer;
}

/** What the store and the files lose or gain in one change of the entries. */
interface Changes {
  /** The store's operations, applied as one batch. */
  operations: StoreOperation[];
  /** Files to remove once the batch is written. */
  files: string[];
}

/** The changes of an in-memory partition: none ever reach a store or a file. */
const NOTHING_TO_WRITE: Changes = Object.freeze({
  operations: Object.freeze([]) as unknown as StoreOperation[],
  files: Object.freeze([]) as unknown as string[],
});

/** Bodies up to this size stay inside the store's row (base64) rather than in a file. */
export const INLINE_LIMIT = 16 * 1024;

/** The bytes volatile entries of a persistent partition may use in memory (oldest go first). */
export const VOLATILE_LIMIT = 4 * 1024 * 1024;

/** Where the entries of one partition live. */
export interface CacheStorageOptions {
  /** The partition's store (null: in memory). */
  store: Store | null;
  /** Files for large bodies (null: they stay in the store's rows). */
  files: FileSystem | null;
  /** The folder of those files. */
  directory: string | null;
  /** The size limit in bytes. */
  maxSize: number;
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function fastAnswer(meta: CachedMeta, policy: CachePolicy): FastAnswer {
  const stored = meta.policy;
  const vary = meta.headers.some(([name]) => name === "vary");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(policy.responseHeaders())) {
    if (name === "age" || name === "date" || value === undefined || value === null) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  // The stored Date, not the library's "now" (a cache must not change it).
  if (typeof stored.resh.date === "string") headers.date = stored.resh.date;
  return {
    // maxAge() - age(), not timeToLive(), which adds the stale-while-revalidate window.
    freshUntil: vary ? 0 : Date.now() + (policy.maxAge() - policy.age()) * 1000,
    headers,
    ageValue: Number(stored.resh.age) || 0,
    responseTime: stored.t,
  };
}

function sizeOf(meta: CachedMeta, key: string): number {
  let size = meta.bodySize + key.length;
  for (const [name, value] of meta.headers) size += name.length + value.length + 4;
  return size;
}

/**
 * The entries of one partition's cache.
 *
 * @example
 * ```ts
 * const storage = new CacheStorage({ store: null, files: null, directory: null, maxSize: 1 << 20 });
 * storage.size(); // 0
 * ```
 */
export class CacheStorage {
  #slots = new Map<string, Slot>();
  /** The slot last in the LRU order when `hot()` put it there (null after any other change). */
  #newest: Slot | null = null;
  #total = 0;
  /** The volatile entries of a persistent partition, least recently stored first, and their bytes. */
  #volatile = new Map<string, Slot>();
  #volatileSize = 0;
  #options: CacheStorageOptions;
  #loading: Promise<void> | null = null;

  /** Entries of a partition (call {@link CacheStorage.load} for a persistent one). */
  constructor(options: CacheStorageOptions) {
    this.#options = options;
  }

  /** Reads the stored index (persistent partitions); idempotent. */
  load(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<void> {
    const store = this.#options.store;
    if (!store) return;
    const rows = await store.list("e/");
    const slots: Array<[string, Slot, number]> = [];
    for (const [key, value] of rows) {
      const row = value as unknown as { meta: CachedMeta; file: string | null; used: number };
      if (!row || typeof row !== "object" || !row.meta) continue;
      const url = key.slice(2);
      slots.push([
        url,
        {
          meta: row.meta,
          body: null,
          file: row.file,
          size: 0,
          live: null,
          fast: null,
          volatile: false,
        },
        row.used ?? 0,
      ]);
    }
    slots.sort((a, b) => a[2] - b[2]);
    for (const [url, slot] of slots) {
      slot.size = sizeOf(slot.meta, url);
      this.#slots.set(url, slot);
      this.#newest = null;
      this.#total += slot.size;
    }
  }

  /** Bytes used by every entry (bodies and headers). */
  size(): number {
    return this.#total;
  }

  /** The metadata of an entry, or null (does not count as a use). */
  peek(url: string): CachedMeta | null {
    return this.#slots.get(url)?.meta ?? null;
  }

  /**
   * The stored response of `url` when its body is in memory (in-memory partitions, small bodies),
   * synchronously; marks it as recently used. Null otherwise, and for a volatile entry (never
   * fresh, no validator: nothing to answer with at once), which would otherwise make a policy and
   * its fast answer for every request to a URL whose responses say nothing about caching.
   */
  hot(url: string): HotEntry | null {
    const slot = this.#slots.get(url);
    if (!slot || slot.body === null || slot.meta.volatile) return null;
    if (this.#newest !== slot) {
      // Map order is the LRU order: the entry goes last (not again when it is last already).
      this.#slots.delete(url);
      this.#slots.set(url, slot);
      this.#newest = slot;
    }
    slot.live ??= CachePolicy.fromObject(slot.meta.policy);
    slot.fast ??= fastAnswer(slot.meta, slot.live);
    return { meta: slot.meta, body: slot.body, policy: slot.live, fast: slot.fast };
  }

  /** The stored response of `url` (its body read), or null; marks it as recently used. */
  async get(url: string): Promise<CachedEntry | null> {
    const slot = this.#slots.get(url);
    if (!slot) return null;
    this.#slots.delete(url);
    this.#slots.set(url, slot);
    this.#newest = null;
    let body = slot.body;
    if (body === null) {
      const { store, files } = this.#options;
      if (slot.file !== null && files) body = await files.readFile(slot.file);
      else if (store) {
        const row = await store.get(`e/${url}`) as { body?: StoreValue } | undefined;
        body = typeof row?.body === "string" ? fromBase64(row.body) : null;
      }
      if (body === null || body.byteLength !== slot.meta.bodySize) {
        await this.delete(url);
        return null;
      }
      if (body.byteLength <= INLINE_LIMIT) slot.body = body;
    }
    return { ...slot.meta, body };
  }

  /**
   * Stores a response (replacing the URL's entry), then evicts the least recently used. A
   * `volatile` entry of a persistent partition is kept in memory only (see the module's comment).
   * What changes in the store (the old row, the new one, the evicted ones) is one batch: one
   * transaction per stored response rather than one per row. Without a store (an in-memory
   * partition) nothing is written anywhere, and the entry is stored before `put` returns
   * (undefined: no promise is made, on every response such a partition's cache keeps); so is a
   * volatile entry, whose put returns a promise only when the store loses rows.
   */
  put(
    url: string,
    meta: CachedMeta,
    body: Uint8Array,
    volatile = false,
  ): Promise<void> | undefined {
    if (this.#options.store === null) {
      const size = sizeOf(meta, url);
      // #drop collects nothing to write without a store: there is nothing to apply
      this.#drop(url, NOTHING_TO_WRITE);
      if (size <= this.#options.maxSize) {
        this.#place(url, this.#slot(meta, body, size), NOTHING_TO_WRITE);
      }
      return undefined;
    }
    if (volatile) return this.#putVolatile(url, meta, body);
    return this.#putStored(url, meta, body);
  }

  /**
   * A volatile entry of a persistent partition: placed in memory at once; a promise only when the
   * store loses rows (the URL's old entry, or what the placing evicted). Most responses of a
   * server that says nothing about caching are such, and each made a store's write promise to
   * track (and the next request to the URL waited for it) with nothing to write.
   */
  #putVolatile(url: string, meta: CachedMeta, body: Uint8Array): Promise<void> | undefined {
    const changes: Changes = { operations: [], files: [] };
    this.#drop(url, changes);
    const size = sizeOf(meta, url);
    if (size <= this.#options.maxSize && size <= VOLATILE_LIMIT) {
      const slot = this.#slot(meta, body, size);
      slot.volatile = true;
      this.#place(url, slot, changes);
    }
    return changes.operations.length > 0 || changes.files.length > 0
      ? this.#apply(changes)
      : undefined;
  }

  async #putStored(url: string, meta: CachedMeta, body: Uint8Array) {
    const changes: Changes = { operations: [], files: [] };
    this.#drop(url, changes);
    try {
      const size = sizeOf(meta, url);
      if (size > this.#options.maxSize) return;
      const { files, directory } = this.#options;
      // Bodies small enough for the store's row are also kept in memory, for synchronous hits.
      const slot = this.#slot(meta, body.byteLength <= INLINE_LIMIT ? body : null, size);
      let inline: string | null = null;
      if (body.byteLength > INLINE_LIMIT && files && directory) {
        slot.file = `${directory}/${crypto.randomUUID()}`;
        await files.makeDirectory(directory);
        await files.writeFile(slot.file, body);
      } else inline = toBase64(body);
      const row: Record<string, StoreValue> = {
        meta: meta as unknown as StoreValue,
        file: slot.file,
        used: Date.now(),
      };
      if (inline !== null) row.body = inline;
      changes.operations.push({ op: "set", key: `e/${url}`, value: row });
      this.#place(url, slot, changes);
    } finally {
      await this.#apply(changes);
    }
  }

  #slot(meta: CachedMeta, body: Uint8Array | null, size: number): Slot {
    return { meta, body, file: null, size, live: null, fast: null, volatile: false };
  }

  /** Puts a new slot last in the LRU order, then evicts what is over the limits. */
  #place(url: string, slot: Slot, changes: Changes): void {
    this.#slots.set(url, slot);
    this.#newest = null;
    this.#total += slot.size;
    if (slot.volatile) {
      this.#volatile.set(url, slot);
      this.#volatileSize += slot.size;
      if (this.#volatileSize > VOLATILE_LIMIT) {
        for (const [old] of this.#volatile) {
          if (this.#volatileSize <= VOLATILE_LIMIT) break;
          this.#drop(old, changes);
        }
      }
    }
    // no iterator while under the limit (every stored response asks)
    if (this.#total <= this.#options.maxSize) return;
    for (const old of this.#slots.keys()) {
      if (this.#total <= this.#options.maxSize) break;
      this.#drop(old, changes);
    }
  }

  /** Replaces an entry's metadata (after a 304 revalidation), keeping its body. */
  async update(url: string, meta: CachedMeta): Promise<void> {
    const slot = this.#slots.get(url);
    if (!slot) return;
    this.#total -= slot.size;
    if (slot.volatile) this.#volatileSize -= slot.size;
    slot.meta = meta;
    slot.live = null;
    slot.fast = null;
    slot.size = sizeOf(meta, url);
    this.#total += slot.size;
    if (slot.volatile) this.#volatileSize += slot.size;
    const store = this.#options.store;
    if (store && !slot.volatile) {
      const row = (await store.get(`e/${url}`) ?? {}) as Record<string, StoreValue>;
      await store.set(`e/${url}`, {
        ...row,
        meta: meta as unknown as StoreValue,
        used: Date.now(),
      });
    }
  }

  /** Removes an entry. */
  async delete(url: string): Promise<void> {
    const changes: Changes = { operations: [], files: [] };
    this.#drop(url, changes);
    await this.#apply(changes);
  }

  /** Takes an entry out of memory; what the store and the files must lose goes into `changes`. */
  #drop(url: string, changes: Changes): void {
    const slot = this.#slots.get(url);
    if (!slot) return;
    this.#slots.delete(url);
    this.#newest = null;
    this.#total -= slot.size;
    if (slot.volatile) {
      this.#volatile.delete(url);
      this.#volatileSize -= slot.size;
      return;
    }
    if (this.#options.store) changes.operations.push({ op: "delete", key: `e/${url}` });
    if (slot.file !== null) changes.files.push(slot.file);
  }

  /** Writes `changes`: the store's in one batch, then removes the files. */
  async #apply(changes: Changes): Promise<void> {
    const { store, files } = this.#options;
    if (store && changes.operations.length > 0) await store.batch(changes.operations);
    if (files) { for (const file of changes.files) await files.remove(file); }
  }

  /** The URLs stored, least recently used first. */
  urls(): string[] {
    return [...this.#slots.keys()];
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    const { store, files } = this.#options;
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    this.#volatile.clear();
    this.#volatileSize = 0;
    this.#newest = null;
    this.#total = 0;
    if (store) {
      const rows = await store.list("e/");
      await store.batch(rows.map(([key]) => ({ op: "delete" as const, key })));
    }
    if (files) {
      for (const slot of slots) if (slot.file !== null) await files.remove(slot.file);
    }
  }
}
