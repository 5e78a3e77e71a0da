/**
 * `chrome.storage.local` and `chrome.storage.sync` (in the partition's store, so on disk for
 * persistent partitions; sync as Chrome keeps it for a profile that does not sync: on this machine,
 * with sync's quotas), `chrome.storage.session` (in memory, gone when the extension is unloaded)
 * and `chrome.storage.managed` (read-only and empty: no policy sets it), with Chrome's argument
 * forms, quotas and messages, and the changes each write makes (for `onChanged`). Sizes count as
 * Chrome's do: a key's UTF-8 bytes plus its value's JSON's.
 *
 * @module
 */
import type { Store } from "../../kernel/store.ts";

/** The areas of `chrome.storage`. */
export type StorageAreaName = "local" | "sync" | "session" | "managed";

/** What a write changed: per key, the old and the new value. */
export type StorageChanges = Record<string, { oldValue?: unknown; newValue?: unknown }>;

/** One storage area. */
export interface StorageArea {
  /** Values of some keys (null: all; an object: keys with defaults). */
  get(keys?: unknown): Promise<Record<string, unknown>>;
  /** Sets values; resolves with what changed. */
  set(items: unknown): Promise<StorageChanges>;
  /** Removes keys; resolves with what changed. */
  remove(keys: unknown): Promise<StorageChanges>;
  /** Removes everything; resolves with what changed. */
  clear(): Promise<StorageChanges>;
  /** The JSON size of some keys (all with null). */
  getBytesInUse(keys?: unknown): Promise<number>;
  /** Every key. */
  getKeys(): Promise<string[]>;
}

function keyList(keys: unknown, method: string): string[] | null {
  if (keys === null || keys === undefined) return null;
  if (typeof keys === "string") return [keys];
  if (Array.isArray(keys) && keys.every((k) => typeof k === "string")) return keys;
  if (method === "get" && typeof keys === "object") return Object.keys(keys as object);
  throw new TypeError(
    `Error in invocation of storage.${method}: keys must be a string or an array of strings`,
  );
}

/** An area's quota: at most `bytes` (keys plus JSON values), else `set` rejects with `error`. */
export interface StorageQuota {
  /** Chrome's `QUOTA_BYTES` of the area. */
  bytes: number;
  /** The message Chrome rejects a `set` over the quota with (nothing is stored). */
  error: string;
  /** Chrome's `QUOTA_BYTES_PER_ITEM` (sync): the most one key and its JSON value may take. */
  perItem?: { bytes: number; error: string };
  /** Chrome's `MAX_ITEMS` (sync): the most keys the area may hold. */
  maxItems?: { count: number; error: string };
  /**
   * Chrome's `MAX_WRITE_OPERATIONS_PER_*` (sync): at most `calls` writes (`set`, `remove`,
   * `clear`, refused ones included) in a window of `ms`, else the write fails with `error`.
   */
  writes?: Array<{ calls: number; ms: number; error: string }>;
}

/** The bytes of a string in UTF-8, as Chrome counts keys and JSON values. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff) i++; // a surrogate pair: 4 bytes for 2 units
    else bytes += 2;
  }
  return bytes;
}

/**
 * Chrome's `storage.local` quota (lifted by the `unlimitedStorage` permission).
 *
 * @example
 * ```ts
 * storageArea(new Map(), async () => {}, LOCAL_QUOTA);
 * ```
 */
export const LOCAL_QUOTA: StorageQuota = {
  bytes: 10_485_760,
  error: "Resource::kQuotaBytes quota exceeded",
};

/**
 * Chrome's `storage.sync` quotas, with the messages Chromium 156 rejects a write with.
 *
 * @example
 * ```ts
 * storageArea(new Map(), async () => {}, SYNC_QUOTA);
 * ```
 */
export const SYNC_QUOTA: StorageQuota = {
  bytes: 102_400,
  error: "Resource::kQuotaBytes quota exceeded",
  perItem: { bytes: 8192, error: "Resource::kQuotaBytesPerItem quota exceeded" },
  maxItems: { count: 512, error: "Resource::kMaxItems quota exceeded" },
  writes: [
    {
      calls: 120,
      ms: 60_000,
      error: "This request exceeds the MAX_WRITE_OPERATIONS_PER_MINUTE quota.",
    },
    {
      calls: 1800,
      ms: 3_600_000,
      error: "This request exceeds the MAX_WRITE_OPERATIONS_PER_HOUR quota.",
    },
  ],
};

/** Chrome's refusal of a write to `storage.managed`. */
const READ_ONLY = "This is a read-only store.";

/**
 * Chrome's `storage.session` quota.
 *
 * @example
 * ```ts
 * storageArea(new Map(), async () => {}, SESSION_QUOTA);
 * ```
 */
export const SESSION_QUOTA: StorageQuota = {
  bytes: 10_485_760,
  error: "Session storage quota bytes exceeded. Values were not stored.",
};

/**
 * A storage area over a map of JSON texts: `load` reads every entry once, `save` writes changes;
 * with a `quota`, a `set` that would go over it stores nothing and rejects, as Chrome's does.
 *
 * @example
 * ```ts
 * const area = storageArea(new Map(), async () => {});
 * await area.set({ a: 1 });
 * await area.get("a"); // { a: 1 }
 * ```
 */
export function storageArea(
  data: Map<string, string>,
  save: (changes: Map<string, string | null>) => Promise<void>,
  quota: StorageQuota | null = null,
): StorageArea {
  // Chrome counts each item as its key's UTF-8 bytes plus its JSON's
  const size = (key: string, text: string | undefined) =>
    text === undefined ? 0 : utf8Length(key) + utf8Length(text);
  const windows = (quota?.writes ?? []).map((limit) => ({ ...limit, start: 0, count: 0 }));
  /** Counts one write against the write limits; throws Chrome's error past one. */
  const countWrite = () => {
    const now = Date.now();
    for (const w of windows) {
      if (now - w.start >= w.ms) {
        w.start = now;
        w.count = 0;
      }
      if (++w.count > w.calls) throw new Error(w.error);
    }
  };
  let used = 0;
  for (const [key, text] of data) used += size(key, text);
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => {});
    return next;
  };
  const write = async (updates: Map<string, string | null>): Promise<StorageChanges> => {
    const changes: StorageChanges = {};
    const effective = new Map<string, string | null>();
    for (const [key, text] of updates) {
      const old = data.get(key);
      if (old === (text ?? undefined)) continue;
      if (old === undefined && text === null) continue;
      effective.set(key, text);
      const change: { oldValue?: unknown; newValue?: unknown } = {};
      if (old !== undefined) change.oldValue = JSON.parse(old);
      if (text !== null) change.newValue = JSON.parse(text);
      changes[key] = change;
    }
    if (effective.size === 0) return changes;
    let after = used;
    let items = data.size;
    for (const [key, text] of effective) {
      after += size(key, text ?? undefined) - size(key, data.get(key));
      if (text === null) items--;
      else if (!data.has(key)) items++;
      if (quota?.perItem && text !== null && size(key, text) > quota.perItem.bytes) {
        throw new Error(quota.perItem.error);
      }
    }
    if (quota && after > quota.bytes && after > used) throw new Error(quota.error);
    if (quota?.maxItems && items > quota.maxItems.count && items > data.size) {
      throw new Error(quota.maxItems.error);
    }
    await save(effective);
    for (const [key, text] of effective) {
      if (text === null) data.delete(key);
      else data.set(key, text);
    }
    used = after;
    return changes;
  };
  return {
    get: (keys) =>
      serial(() => {
        const wanted = keyList(keys, "get");
        const out: Record<string, unknown> = {};
        if (wanted === null) {
          for (const [k, text] of data) out[k] = JSON.parse(text);
          return out;
        }
        const defaults = keys !== null && typeof keys === "object" && !Array.isArray(keys)
          ? keys as Record<string, unknown>
          : {};
        for (const k of wanted) {
          const text = data.get(k);
          if (text !== undefined) out[k] = JSON.parse(text);
          else if (k in defaults) out[k] = defaults[k];
        }
        return out;
      }),
    set: (items) =>
      serial(() => {
        if (items === null || typeof items !== "object" || Array.isArray(items)) {
          throw new TypeError("Error in invocation of storage.set: items must be an object");
        }
        countWrite();
        const updates = new Map<string, string | null>();
        for (const [k, v] of Object.entries(items as Record<string, unknown>)) {
          if (v === undefined) continue;
          updates.set(k, JSON.stringify(v) ?? "null");
        }
        return write(updates);
      }),
    remove: (keys) =>
      serial(() => {
        const removed = (keyList(keys, "remove") ?? []).map((k): [string, null] => [k, null]);
        countWrite();
        return write(new Map(removed));
      }),
    clear: () =>
      serial(() => {
        countWrite();
        return write(new Map([...data.keys()].map((k) => [k, null])));
      }),
    getBytesInUse: (keys) =>
      serial(() => {
        const wanted = keyList(keys, "getBytesInUse") ?? [...data.keys()];
        let total = 0;
        for (const k of wanted) {
          const text = data.get(k);
          total += size(k, text);
        }
        return total;
      }),
    getKeys: () => serial(() => [...data.keys()]),
  };
}

/**
 * Answers one `storage.<area>.<op>` call on `area`: a write (`set`, `remove`, `clear`) answers
 * nothing and tells what it changed (for `onChanged`), the other methods their answer.
 *
 * @example
 * ```ts
 * const area = storageArea(new Map(), async () => {});
 * (await storageCall(area, "set", [{ a: 1 }])).changes; // { a: { newValue: 1 } }
 * ```
 */
export async function storageCall(
  area: StorageArea,
  op: string,
  args: unknown[],
): Promise<{ answer: unknown; changes?: StorageChanges }> {
  const fn = (area as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[op];
  const result = await fn(...args);
  return op === "set" || op === "remove" || op === "clear"
    ? { answer: undefined, changes: result as StorageChanges }
    : { answer: result };
}

/**
 * Chrome's `storage.managed` where no policy sets anything: reads find nothing, writes reject with
 * Chrome's "This is a read-only store.".
 *
 * @example
 * ```ts
 * const managed = managedArea();
 * await managed.get(null); // {}
 * await managed.set({ a: 1 }).catch((error) => error.message); // "This is a read-only store."
 * ```
 */
export function managedArea(): StorageArea {
  const empty = storageArea(new Map(), () => Promise.reject(new Error(READ_ONLY)));
  const refuse = () => Promise.reject(new Error(READ_ONLY));
  return { ...empty, set: refuse, remove: refuse, clear: refuse };
}

/**
 * `storage.local` (or `sync`) kept in `store` (one entry per key).
 *
 * @example
 * ```ts ignore
 * const local = await persistentArea(namespacedStore(store, "ext/abc/local/"));
 * ```
 */
export async function persistentArea(
  store: Store,
  quota: StorageQuota | null = null,
): Promise<StorageArea> {
  const data = new Map<string, string>();
  for (const [key, value] of await store.list("")) {
    if (typeof value === "string") data.set(key, value);
  }
  return storageArea(data, (changes) =>
    store.batch(
      [...changes].map(([key, text]) =>
        text === null ? { op: "delete" as const, key } : { op: "set" as const, key, value: text }
      ),
    ), quota);
}
