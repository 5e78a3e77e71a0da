/**
 * The in-memory store: for in-memory partitions, tests and the browser without IndexedDB.
 *
 * @module
 */
import type { Store, StoreOperation, StoreValue } from "../../kernel/store.ts";

/**
 * A {@link Store} kept in a sorted map in memory; values are cloned on the way in and out so that
 * callers cannot change what is stored by mutating an object.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * await store.batch([{ op: "set", key: "a", value: 1 }, { op: "set", key: "b", value: 2 }]);
 * await store.list(""); // [["a", 1], ["b", 2]]
 * ```
 */
export class MemoryStore implements Store {
  #data = new Map<string, string>();
  #closed = false;

  async get(key: string): Promise<StoreValue | undefined> {
    this.#check();
    const text = this.#data.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  set(key: string, value: StoreValue): Promise<void> {
    return this.batch([{ op: "set", key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ op: "delete", key }]);
  }

  async list(prefix: string): Promise<Array<[string, StoreValue]>> {
    this.#check();
    const out: Array<[string, StoreValue]> = [];
    for (const [key, text] of this.#data) {
      if (key.startsWith(prefix)) out.push([key, JSON.parse(text)]);
    }
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return out;
  }

  async batch(operations: StoreOperation[]): Promise<void> {
    this.#check();
    const encoded = operations.map((o) => validate(o));
    for (const [key, text] of encoded) {
      if (text === null) this.#data.delete(key);
      else this.#data.set(key, text);
    }
  }

  async flush(): Promise<void> {
    this.#check();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #check(): void {
    if (this.#closed) throw new TypeError("The store is closed");
  }
}

/**
 * Checks one batch operation and encodes its value; throws a TypeError naming the key otherwise.
 *
 * @example
 * ```ts
 * validate({ op: "set", key: "a", value: 1 }); // ["a", "1"]
 * ```
 */
export function validate(operation: StoreOperation): [string, string | null] {
  if (typeof operation?.key !== "string") {
    throw new TypeError(`A store key must be a string, got ${typeof operation?.key}`);
  }
  if (operation.op === "delete") return [operation.key, null];
  if (operation.op !== "set") {
    const { op, key } = operation as { op: unknown; key: string };
    throw new TypeError(`Unknown store operation "${String(op)}" for ${key}`);
  }
  const text = JSON.stringify(operation.value);
  if (text === undefined) {
    throw new TypeError(`The value for store key "${operation.key}" is not JSON`);
  }
  return [operation.key, text];
}

/**
 * The value of `key` in a local copy of JSON texts (a shared store's cache), or undefined.
 *
 * @example
 * ```ts
 * cachedValue(new Map([["a", "1"]]), "a"); // 1
 * ```
 */
export function cachedValue(cache: Map<string, string>, key: string): StoreValue | undefined {
  const text = cache.get(key);
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * The entries of a local copy of JSON texts whose keys start with `prefix`, sorted by key.
 *
 * @example
 * ```ts
 * cachedList(new Map([["b/1", "2"], ["a/1", "1"]]), "b/"); // [["b/1", 2]]
 * ```
 */
export function cachedList(
  cache: Map<string, string>,
  prefix: string,
): Array<[string, StoreValue]> {
  const out: Array<[string, StoreValue]> = [];
  for (const [key, text] of cache) {
    if (key.startsWith(prefix)) out.push([key, JSON.parse(text)]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
