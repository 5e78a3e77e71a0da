/**
 * The store contract: a key-value store of JSON values for one partition, with prefix listing,
 * atomic batches and an explicit flush (`adapters/store/memory.ts`, `adapters/store/sqlite.ts`).
 * @module
 */

/** A value a store keeps: anything `JSON.stringify` round-trips. */
export type StoreValue = null | boolean | number | string | StoreValue[] | {
  [key: string]: StoreValue;
};

/** One operation of an atomic batch. */
export type StoreOperation =
  | { op: "set"; key: string; value: StoreValue }
  | { op: "delete"; key: string };

/** What every store adapter does. Once `flush()` resolves, what was written survives a crash. */
export interface Store {
  /** The value of a key, or `undefined`. */ get(key: string): Promise<StoreValue | undefined>;
  /** Sets a key. */ set(key: string, value: StoreValue): Promise<void>;
  /** Deletes a key (a missing key is no error). */ delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<Array<[string, StoreValue]>>;
  /** Applies all the operations, or none. */ batch(operations: StoreOperation[]): Promise<void>;
  /** Resolves when everything written so far is durable. */ flush(): Promise<void>;
  /** Releases the store; further calls reject. */ close(): Promise<void>;
  /**
   * True for a store that several processes use at once by design (a network store such as
   * Redis): the session server then takes no lock on its storage folder.
   */
  readonly shared?: boolean;
  /**
   * Only stores shared between processes (Redis): tells `listener` of the changes other processes
   * made, after the store has applied them; returns the function that stops telling.
   */
  watch?(listener: (changes: StoreChange[]) => void): () => void;
  /**
   * False when the store keeps nothing past the process or page (a persistent partition's store
   * that fell back to memory); absent or true: it keeps what it is given.
   */
  readonly persistent?: boolean;
}

/** A change another process made to a shared store (`value` undefined: deleted). */
export interface StoreChange {
  /** The key. */ key: string;
  /** The new value, or `undefined` when the key was deleted. */ value: StoreValue | undefined;
  /** The value before, as this process knew it. */ previous: StoreValue | undefined;
}

/** What a store factory is told about the partition it opens a store for. */
export interface StoreTarget {
  /** The partition string, e.g. `persist:work` or `""`. */ partition: string;
  /** The partition's folder, or null for an in-memory partition. */ storagePath: string | null;
}

/** Opens the store of a partition. */
export type StoreFactory = (target: StoreTarget) => Store;

/**
 * A view of a store under a key prefix, so that plugins cannot see each other's keys.
 * @example
 * ```ts
 * import { MemoryStore } from "../adapters/store/memory.ts";
 * const cookies = namespacedStore(new MemoryStore(), "cookies/");
 * await cookies.set("a", 1); // stored as "cookies/a"
 * ```
 */
export function namespacedStore(store: Store, prefix: string): Store {
  return {
    get: (key) => store.get(prefix + key),
    set: (key, value) => store.set(prefix + key, value),
    delete: (key) => store.delete(prefix + key),
    list: async (sub) =>
      (await store.list(prefix + sub)).map(([key, value]) => [key.slice(prefix.length), value]),
    batch: (operations) => store.batch(operations.map((o) => ({ ...o, key: prefix + o.key }))),
    flush: () => store.flush(),
    close: () => Promise.resolve(),
    ...(store.watch
      ? {
        watch: (listener: (changes: StoreChange[]) => void) =>
          store.watch!((changes) => {
            const mine = changes.filter((c) => c.key.startsWith(prefix))
              .map((c) => ({ ...c, key: c.key.slice(prefix.length) }));
            if (mine.length > 0) listener(mine);
          }),
      }
      : {}),
  };
}
