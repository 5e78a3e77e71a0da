/**
 * A jar's cookies in a partition's store: loaded at start, and every change written back in
 * batches (one transaction per burst of changes, not one per cookie). `flush()` resolves once
 * everything changed before it is durable.
 *
 * @module
 */
import type { CookieRecord } from "./cookie.ts";
import { COOKIE_EPOCH_S } from "./cookie.ts";
import type { CookieJar } from "./jar.ts";
import { fromRow, isSessionRow, toRow } from "./serialize.ts";
import type { Store, StoreChange, StoreOperation } from "../../kernel/store.ts";

/** Options of {@linkcode CookiePersistence}. */
export interface CookiePersistenceOptions {
  /** Restore session cookies too (Chromium drops them at start unless asked). */
  restoreSessionCookies?: boolean;
  /**
   * How long changes wait to be written together, in ms (default 20; on a store shared between
   * processes, 0 for changes, which the other processes then hear at once).
   */
  batchDelay?: number;
  /** Reports a failed write. */
  onError?: (error: unknown) => void;
}

const PREFIX = "c/";

/**
 * Connects a jar to a store.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../adapters/store/memory.ts";
 * import { CookieJar } from "./jar.ts";
 * const jar = new CookieJar();
 * const persistence = new CookiePersistence(jar, new MemoryStore());
 * await persistence.load();
 * jar.setCookie("a=1; Max-Age=60", "https://example.org/");
 * await persistence.flush();
 * ```
 */
export class CookiePersistence {
  #jar: CookieJar;
  #store: Store;
  #options: CookiePersistenceOptions;
  #dirty = new Map<string, CookieRecord | null>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerDelay = 0;
  #writing: Promise<void> = Promise.resolve();
  /** A write is queued that has not taken the dirty rows yet. */
  #queued = false;
  #unsubscribe: Array<() => void> = [];
  #closed = false;
  /** True while another process's change is being applied (not written back). */
  #applying = false;

  /** Starts listening to the jar's changes (and, on a shared store, to other processes'). */
  constructor(jar: CookieJar, store: Store, options: CookiePersistenceOptions = {}) {
    this.#jar = jar;
    this.#store = store;
    this.#options = options;
    this.#unsubscribe.push(
      jar.onChange((cookie, _cause, removed) => this.#mark(cookie, removed)),
      jar.onTouch((cookie) => this.#mark(cookie, false, true)),
    );
    const unwatch = store.watch?.((changes) => this.#applyShared(changes));
    if (unwatch) this.#unsubscribe.push(unwatch);
  }

  /** Another process changed cookies in a shared store: the jar follows (with `changed` events). */
  #applyShared(changes: StoreChange[]): void {
    this.#applying = true;
    try {
      for (const { key, value } of changes) {
        if (!key.startsWith(PREFIX)) continue;
        const cookieKey = key.slice(PREFIX.length);
        if (value === undefined) {
          const current = this.#jar.all({ includeExpired: true }).find((c) => c.key === cookieKey);
          if (current) this.#jar.delete(current, "explicit");
        } else {
          const record = fromRow(value);
          if (record === null) continue;
          const current = this.#jar.all({ includeExpired: true }).find((c) => c.key === cookieKey);
          // Only the access time moved (the other process sent it): no `changed`, as Chromium
          // fires none for an access.
          const touched = current !== undefined && current.value === record.value &&
            current.expires === record.expires && current.flags === record.flags &&
            current.created === record.created;
          this.#jar.restore(record, touched);
        }
      }
    } finally {
      this.#applying = false;
    }
  }

  /** Loads the stored cookies into the jar (expired ones and, unless asked, session ones go). */
  async load(): Promise<number> {
    const rows = await this.#store.list(PREFIX);
    const now = Math.floor(Date.now() / 1000) - COOKIE_EPOCH_S;
    const keep: CookieRecord[] = [];
    const drop: StoreOperation[] = [];
    for (const [key, row] of rows) {
      const record = fromRow(row);
      if (
        record === null || record.expires <= now ||
        (isSessionRow(record) && !this.#options.restoreSessionCookies)
      ) {
        drop.push({ op: "delete", key: PREFIX + key });
        continue;
      }
      keep.push(record);
    }
    keep.sort((a, b) => a.created - b.created || a.seq - b.seq);
    for (const record of keep) this.#jar.restore(record, true);
    // Restoring renumbers creation order; nothing needs writing for that.
    this.#dirty.clear();
    if (drop.length > 0) await this.#store.batch(drop);
    return keep.length;
  }

  /**
   * Queues a cookie's row for the next write. On a store shared between processes a change is
   * written at once (the others hear of it), while access times alone still wait `batchDelay`.
   * "At once" is not a timer: a timer of 0 ms still waits for the event loop's timer phase (about
   * 2 ms on Deno when timers nest), which the other processes would see as propagation delay.
   */
  #mark(cookie: CookieRecord, removed: boolean, touch = false): void {
    if (this.#closed || this.#applying) return;
    this.#dirty.set(cookie.key, removed ? null : cookie);
    const delay = this.#options.batchDelay ?? (this.#store.watch && !touch ? 0 : 20);
    if (this.#timer !== null && delay < this.#timerDelay) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (delay <= 0) {
      this.#write();
      return;
    }
    if (this.#timer === null) {
      this.#timerDelay = delay;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#write();
      }, delay);
      unref(this.#timer);
    }
  }

  /**
   * Queues one write of what is dirty when it starts: after the write in flight, or in a microtask
   * (so the changes of one synchronous step, such as an overwrite's removal and insertion, go in
   * one batch). While a write is in flight the changes made meanwhile gather into the next one.
   */
  #write(): Promise<void> {
    if (this.#dirty.size === 0 || this.#queued) return this.#writing;
    this.#queued = true;
    this.#writing = this.#writing.then(() => {
      this.#queued = false;
      const operations: StoreOperation[] = [];
      for (const [key, record] of this.#dirty) {
        operations.push(
          record === null
            ? { op: "delete", key: PREFIX + key }
            : { op: "set", key: PREFIX + key, value: toRow(record) },
        );
      }
      this.#dirty.clear();
      if (operations.length > 0) return this.#store.batch(operations);
    }).catch((error) => {
      this.#options.onError?.(error);
    });
    return this.#writing;
  }

  /** Writes pending changes now and resolves when they are durable. */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    await this.#write();
    await this.#store.flush();
  }

  /** Writes what is pending and stops listening. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    for (const u of this.#unsubscribe) u();
  }
}

function unref(timer: unknown): void {
  if (typeof timer === "object" && timer !== null && "unref" in timer) {
    (timer as { unref(): void }).unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
  if (typeof timer === "number" && deno?.unrefTimer) deno.unrefTimer(timer);
}
