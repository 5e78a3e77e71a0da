/**
 * `chrome.storage.local` (in the partition's store, so on disk for persistent partitions) and
 * `chrome.storage.session` (in memory, gone when the extension is unloaded), with Chrome's
 * argument forms and the changes each write makes (for `onChanged`).
 *
 * @module
 */
import type { Store } from "../../kernel/store.ts";

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
  error: "QUOTA_BYTES quota exceeded",
};

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
  // Chrome counts each item as its key's length plus its JSON's length
  const size = (key: string, text: string | undefined) =>
    text === undefined ? 0 : key.length + text.length;
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
    for (const [key, text] of effective) {
      after += size(key, text ?? undefined) - size(key, data.get(key));
    }
    if (quota && after > quota.bytes && after > used) throw new Error(quota.error);
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
        const updates = new Map<string, string | null>();
        for (const [k, v] of Object.entries(items as Record<string, unknown>)) {
          if (v === undefined) continue;
          updates.set(k, JSON.stringify(v) ?? "null");
        }
        return write(updates);
      }),
    remove: (keys) =>
      serial(() => write(new Map((keyList(keys, "remove") ?? []).map((k) => [k, null])))),
    clear: () => serial(() => write(new Map([...data.keys()].map((k) => [k, null])))),
    getBytesInUse: (keys) =>
      serial(() => {
        const wanted = keyList(keys, "getBytesInUse") ?? [...data.keys()];
        let total = 0;
        for (const k of wanted) {
          const text = data.get(k);
          if (text !== undefined) total += k.length + text.length;
        }
        return total;
      }),
    getKeys: () => serial(() => [...data.keys()]),
  };
}

/**
 * `storage.local` kept in `store` (one entry per key).
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
