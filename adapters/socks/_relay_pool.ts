/**
 * The relay's idle upstream connections, kept per route and origin (the key names both: a
 * DIRECT target, an HTTP proxy, a SOCKS proxy and its target), so a request reuses only a
 * connection that goes where its own route goes: a changed route finds another key and opens
 * its own. An idle connection that the other side closed, or that sent anything, is never reused
 * (it is dropped when next looked at); one idle for 30 s is closed. Idle connections cost no timer
 * or listener of their own: one timer per pool, set for the oldest one's 30 s, sweeps them.
 *
 * @module
 */
import type { ByteReader } from "./_byte_reader.ts";

/** How long a connection may stay idle in the pool. */
const IDLE_MS = 30_000;
/** At most this many idle connections per key (Chromium's per-proxy limit). */
const MAX_IDLE = 32;

interface Idle {
  reader: ByteReader;
  /** When it was put in the pool (Date.now()). */
  since: number;
}

/** Whether an idle connection may carry another request. */
function usable(reader: ByteReader): boolean {
  return !reader.ended && !reader.socket.destroyed && reader.buffered.length === 0;
}

/**
 * Idle keep-alive connections by key.
 *
 * @example
 * ```ts ignore
 * const pool = new UpstreamPool();
 * const reused = pool.take("direct 127.0.0.1:8080"); // a ByteReader or null
 * pool.put("direct 127.0.0.1:8080", reader); // after its response ended
 * ```
 */
export class UpstreamPool {
  /** Per key, oldest first. */
  readonly #idle = new Map<string, Idle[]>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** An idle connection for `key` (the most recently used), or null. */
  take(key: string): ByteReader | null {
    const list = this.#idle.get(key);
    if (!list) return null;
    let found: ByteReader | null = null;
    while (list.length > 0) {
      const { reader } = list.pop()!;
      if (usable(reader)) {
        found = reader;
        break;
      }
      reader.socket.destroy();
    }
    if (list.length === 0) this.#idle.delete(key);
    return found;
  }

  /** Keeps `reader`'s connection for the next request of `key`. */
  put(key: string, reader: ByteReader): void {
    if (!usable(reader)) return void reader.socket.destroy();
    let list = this.#idle.get(key);
    if (!list) this.#idle.set(key, list = []);
    if (list.length >= MAX_IDLE) return void reader.socket.destroy();
    list.push({ reader, since: Date.now() });
    this.#timer ??= this.#sweepIn(IDLE_MS);
  }

  #sweepIn(ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.#sweep(), ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }

  /** Closes the connections idle for IDLE_MS (or unusable); set again for the oldest left. */
  #sweep(): void {
    this.#timer = null;
    const now = Date.now();
    let next = Infinity;
    for (const [key, list] of this.#idle) {
      const kept = list.filter((idle) => {
        if (now - idle.since < IDLE_MS && usable(idle.reader)) return true;
        idle.reader.socket.destroy();
        return false;
      });
      if (kept.length === 0) this.#idle.delete(key);
      else {
        this.#idle.set(key, kept);
        next = Math.min(next, kept[0].since + IDLE_MS);
      }
    }
    if (next !== Infinity) this.#timer = this.#sweepIn(Math.max(0, next - now));
  }

  /** Closes every idle connection. */
  clear(): void {
    for (const list of this.#idle.values()) {
      for (const idle of list) idle.reader.socket.destroy();
    }
    this.#idle.clear();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
