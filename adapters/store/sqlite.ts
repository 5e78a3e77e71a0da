/**
 * The SQLite store through `node:sqlite` (Deno and Bun): one database file per persistent
 * partition, WAL journal, a busy timeout so that a second writer waits instead of failing.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { builtin } from "../_builtin.ts";
import { validate } from "./memory.ts";
import type { Store, StoreOperation, StoreValue } from "../../kernel/store.ts";

/**
 * The database file exists but cannot be used (not a database, truncated, damaged): nothing is
 * served from it and nothing is written to it. Move the file aside to start with an empty store
 * (the session server's `--repair` does).
 *
 * @example
 * ```ts
 * try {
 *   new SqliteStore("/tmp/damaged.db");
 * } catch (error) {
 *   if (error instanceof StoreOpenError) console.error(error.message, error.path);
 * }
 * ```
 */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
  /** The database file. */
  readonly path: string;
  /** Wraps why `path` cannot be opened. */
  constructor(path: string, cause: unknown) {
    super(
      `The store ${path} cannot be opened (${
        (cause as Error)?.message ?? String(cause)
      }); move it aside to start with an empty store (the session server: --repair)`,
      { cause },
    );
    this.path = path;
  }
}

/** The files SQLite keeps for the database at `path` (the database, its WAL and shared memory). */
export function storeFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** How long a writer waits for a lock held by another connection, in ms (default 5000). */
  busyTimeout?: number;
}

/**
 * A {@link Store} in a SQLite file. Every `set`, `delete` and `batch` is one committed
 * transaction; with `synchronous=FULL` it is on disk when the promise resolves.
 *
 * @example
 * ```ts
 * const store = new SqliteStore(`${Deno.makeTempDirSync()}/store.db`);
 * await store.set("a", { b: 1 });
 * await store.get("a"); // { b: 1 }
 * await store.close();
 * ```
 */
export class SqliteStore implements Store {
  #db: DatabaseSync;
  #get;
  #set;
  #delete;
  #list;
  #closed = false;

  /**
   * Opens (creating if needed) the database file at `path`, readable by its owner only (0600, its
   * folder 0700). Throws a {@link StoreOpenError} when the file is not a sound database.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    const fs = builtin("node:fs");
    const dir = path.replace(/[\\/][^\\/]*$/, "");
    if (dir && dir !== path) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
    }
    // SQLite gives the WAL and shared-memory files the mode of the database file.
    if (!fs.existsSync(path)) fs.closeSync(fs.openSync(path, "a", 0o600));
    for (const file of storeFiles(path)) if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
    this.#db = new (builtin("node:sqlite").DatabaseSync)(path);
    try {
      this.#db.exec(`PRAGMA busy_timeout = ${Math.max(0, options.busyTimeout ?? 5000) | 0}`);
      this.#db.exec("PRAGMA journal_mode = WAL");
      this.#db.exec("PRAGMA synchronous = FULL");
      const check = this.#db.prepare("PRAGMA quick_check").all() as Array<Record<string, string>>;
      const verdict = check.map((row) => Object.values(row)[0]).join("; ");
      if (verdict !== "ok") throw new Error(verdict);
      this.#db.exec(
        "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
      );
    } catch (error) {
      this.#db.close();
      throw new StoreOpenError(path, error);
    }
    this.#get = this.#db.prepare("SELECT value FROM entries WHERE key = ?");
    this.#set = this.#db.prepare(
      "INSERT INTO entries (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    this.#delete = this.#db.prepare("DELETE FROM entries WHERE key = ?");
    this.#list = this.#db.prepare(
      "SELECT key, value FROM entries WHERE key >= ? AND key < ? ORDER BY key",
    );
  }

  get(key: string): Promise<StoreValue | undefined> {
    return this.#run(() => {
      const row = this.#get.get(key) as { value: string } | undefined;
      return row === undefined ? undefined : JSON.parse(row.value);
    });
  }

  set(key: string, value: StoreValue): Promise<void> {
    return this.batch([{ op: "set", key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ op: "delete", key }]);
  }

  list(prefix: string): Promise<Array<[string, StoreValue]>> {
    return this.#run(() => {
      // Every key starting with `prefix` sorts between it and prefix + U+FFFF.
      const rows = this.#list.all(prefix, `${prefix}\uffff`) as Array<
        { key: string; value: string }
      >;
      return rows.map((row) => [row.key, JSON.parse(row.value)] as [string, StoreValue]);
    });
  }

  batch(operations: StoreOperation[]): Promise<void> {
    return this.#run(() => {
      const encoded = operations.map((o) => validate(o));
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const [key, text] of encoded) {
          if (text === null) this.#delete.run(key);
          else this.#set.run(key, text);
        }
        this.#db.exec("COMMIT");
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  flush(): Promise<void> {
    // Each transaction is committed with synchronous=FULL; a checkpoint keeps the WAL short.
    return this.#run(() => {
      this.#db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
    return Promise.resolve();
  }

  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new TypeError("The store is closed"));
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
