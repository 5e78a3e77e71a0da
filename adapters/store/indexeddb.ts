/**
 * The browser's store for `persist:` partitions: IndexedDB, one database per partition
 * (`websession:<partition>`), so what a page keeps survives a reload. Tabs of the same origin
 * share it: each write is announced on a `BroadcastChannel` of the same name, and the other tabs'
 * stores follow it and tell their watchers (the cookies, rules and proxy plugins then emit their
 * events there too).
 *
 * The partition is read whole at open and kept in memory, so reads do not wait on IndexedDB. Each
 * batch is one `readwrite` transaction with `durability: "strict"` that also bumps a version, so
 * a write is acknowledged once it is on disk, and tabs writing at once end in IndexedDB's order.
 *
 * @example
 * ```ts ignore
 * const store = new IndexedDbStore("persist:work");
 * await store.set("a", 1);
 * ```
 *
 * @module
 */
import type { Store, StoreChange, StoreOperation, StoreValue } from "../../kernel/store.ts";
import { cachedList, cachedValue, validate } from "./memory.ts";

const ENTRIES = "entries";
const META = "meta";

interface Announcement {
  version: number;
  changes: Array<{ key: string; value: string | null }>;
}

// The few IndexedDB shapes used here (the runtimes' own type libraries do not declare IndexedDB).
interface IdbRequest<T> {
  readonly result: T;
  readonly error: DOMException | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  getAllKeys(): IdbRequest<unknown[]>;
  put(value: unknown, key: string): IdbRequest<unknown>;
  delete(key: string): IdbRequest<undefined>;
}
interface IdbTransaction {
  readonly error: DOMException | null;
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
  onerror: (() => void) | null;
  objectStore(name: string): IdbObjectStore;
}
interface IdbDatabase {
  transaction(
    names: string[],
    mode: "readonly" | "readwrite",
    options?: { durability: "strict" | "relaxed" | "default" },
  ): IdbTransaction;
  createObjectStore(name: string): IdbObjectStore;
  close(): void;
}
interface IdbFactory {
  open(name: string, version: number): IdbOpenRequest;
}

function requestDone<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transactionDone(tx: IdbTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () =>
      reject(tx.error ?? new DOMException("The transaction was aborted", "AbortError"));
  });
}

/**
 * A partition's store in IndexedDB. `persistent` turns false (and the store keeps its data in
 * memory only) when the browser refuses IndexedDB, e.g. with storage disabled.
 *
 * @example
 * ```ts ignore
 * const store = new IndexedDbStore("persist:work");
 * store.watch((changes) => console.log("another tab changed", changes));
 * await store.batch([{ op: "set", key: "a", value: 1 }]);
 * ```
 */
export class IndexedDbStore implements Store {
  /** Resolves once the partition is loaded (or IndexedDB was refused: see `persistent`). */
  readonly ready: Promise<void>;
  #persistent = true;
  #db: IdbDatabase | null = null;
  #channel: BroadcastChannel | null = null;
  #cache = new Map<string, string>();
  #versions = new Map<string, number>();
  #snapshot = 0;
  /** Writes kept in memory only (IndexedDB refused). */
  #unsaved = 0;
  #watchers = new Set<(changes: StoreChange[]) => void>();
  #writes: Promise<unknown> = Promise.resolve();
  #early: Announcement[] = [];
  #loaded = false;
  #closed = false;

  /** Opens (creating if needed) the database of `partition`. */
  constructor(partition: string) {
    const name = `websession:${partition}`;
    if (!(globalThis as { indexedDB?: unknown }).indexedDB) this.#persistent = false;
    if (typeof BroadcastChannel === "function") {
      this.#channel = new BroadcastChannel(name);
      this.#channel.onmessage = (event: MessageEvent<Announcement>) => this.#announced(event.data);
    }
    this.ready = this.#open(name);
  }

  /** Whether what is written survives a reload (false when IndexedDB was refused). */
  get persistent(): boolean {
    return this.#persistent;
  }

  async #open(name: string): Promise<void> {
    try {
      const factory = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
      if (!factory) throw new TypeError("No IndexedDB here");
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(ENTRIES);
        request.result.createObjectStore(META);
      };
      this.#db = await requestDone(request);
      const tx = this.#db.transaction([ENTRIES, META], "readonly");
      const keys = tx.objectStore(ENTRIES).getAllKeys();
      const values = tx.objectStore(ENTRIES).getAll();
      const version = tx.objectStore(META).get("version");
      await transactionDone(tx);
      keys.result.forEach((key, i) => this.#cache.set(String(key), values.result[i] as string));
      this.#snapshot = Number(version.result ?? 0);
    } catch {
      // Storage refused (disabled, or a private mode without IndexedDB): memory only.
      this.#persistent = false;
      this.#db = null;
    }
    this.#loaded = true;
    for (const announcement of this.#early.splice(0)) this.#apply(announcement);
  }

  async get(key: string): Promise<StoreValue | undefined> {
    await this.#ready();
    return cachedValue(this.#cache, key);
  }

  set(key: string, value: StoreValue): Promise<void> {
    return this.batch([{ op: "set", key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ op: "delete", key }]);
  }

  async list(prefix: string): Promise<Array<[string, StoreValue]>> {
    await this.#ready();
    return cachedList(this.#cache, prefix);
  }

  async batch(operations: StoreOperation[]): Promise<void> {
    if (this.#closed) throw new TypeError("The store is closed");
    const encoded = operations.map((o) => validate(o));
    await this.#ready();
    if (encoded.length === 0) return;
    const write = this.#write(encoded);
    this.#writes = write.catch(() => {});
    const version = await write;
    for (const [key, value] of encoded) this.#take(key, value, version);
    this.#channel?.postMessage(
      { version, changes: encoded.map(([key, value]) => ({ key, value })) } satisfies Announcement,
    );
  }

  async #write(encoded: Array<[string, string | null]>): Promise<number> {
    if (this.#db === null) return this.#snapshot + ++this.#unsaved;
    const tx = this.#db.transaction([ENTRIES, META], "readwrite", { durability: "strict" });
    const meta = tx.objectStore(META);
    const entries = tx.objectStore(ENTRIES);
    let version = 0;
    const read = meta.get("version");
    read.onsuccess = () => {
      version = Number(read.result ?? 0) + 1;
      meta.put(version, "version");
      for (const [key, value] of encoded) {
        if (value === null) entries.delete(key);
        else entries.put(value, key);
      }
    };
    await transactionDone(tx);
    return version;
  }

  async flush(): Promise<void> {
    await this.#ready();
    await this.#writes;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush().catch(() => {});
    this.#closed = true;
    this.#watchers.clear();
    this.#channel?.close();
    this.#db?.close();
  }

  /** Tells `listener` of the changes other tabs made; returns the unsubscribe function. */
  watch(listener: (changes: StoreChange[]) => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  async #ready(): Promise<void> {
    if (this.#closed) throw new TypeError("The store is closed");
    await this.ready;
  }

  /** Takes a value unless a later write (by IndexedDB's order) is there already. */
  #take(key: string, value: string | null, version: number): boolean {
    if (version <= (this.#versions.get(key) ?? this.#snapshot)) return false;
    this.#versions.set(key, version);
    if (value === null) this.#cache.delete(key);
    else this.#cache.set(key, value);
    return true;
  }

  #announced(announcement: Announcement): void {
    if (this.#closed || !Array.isArray(announcement?.changes)) return;
    if (!this.#loaded) this.#early.push(announcement);
    else this.#apply(announcement);
  }

  #apply({ version, changes }: Announcement): void {
    const told: StoreChange[] = [];
    for (const { key, value } of changes) {
      const before = this.#cache.get(key);
      if (!this.#take(key, value, version) || before === (value ?? undefined)) continue;
      told.push({
        key,
        value: value === null ? undefined : JSON.parse(value),
        previous: before === undefined ? undefined : JSON.parse(before),
      });
    }
    if (told.length === 0) return;
    for (const watcher of this.#watchers) {
      try {
        watcher(told);
      } catch {
        // A watcher's failure is its own; the others still hear.
      }
    }
  }
}
