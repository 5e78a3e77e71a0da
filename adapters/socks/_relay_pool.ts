/**
 * The relay's idle upstream connections, kept per route and origin (the key names both: a
 * DIRECT target, an HTTP proxy, a SOCKS proxy and its target), so a request reuses only a
 * connection that goes where its own route goes: a changed route finds another key and opens
 * its own. An idle connection that the other side closes, or that sends anything, is dropped;
 * so is one idle for 30 s.
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
  timer: ReturnType<typeof setTimeout>;
  drop: () => void;
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
  readonly #idle = new Map<string, Idle[]>();

  /** An idle connection for `key` (the most recently used), or null. */
  take(key: string): ByteReader | null {
    const list = this.#idle.get(key);
    while (list && list.length > 0) {
      const idle = list.pop()!;
      this.#forget(idle);
      const { reader } = idle;
      if (!reader.ended && !reader.socket.destroyed && reader.buffered.length === 0) return reader;
      reader.socket.destroy();
    }
    return null;
  }

  /** Keeps `reader`'s connection for the next request of `key`. */
  put(key: string, reader: ByteReader): void {
    const socket = reader.socket;
    if (reader.ended || socket.destroyed || reader.buffered.length > 0) {
      return void socket.destroy();
    }
    let list = this.#idle.get(key);
    if (!list) this.#idle.set(key, list = []);
    if (list.length >= MAX_IDLE) return void socket.destroy();
    const drop = () => {
      const at = list.indexOf(idle);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0 && this.#idle.get(key) === list) this.#idle.delete(key);
      this.#forget(idle);
      socket.destroy();
    };
    const timer = setTimeout(drop, IDLE_MS);
    (timer as { unref?: () => void }).unref?.();
    const idle: Idle = { reader, timer, drop };
    // anything an idle connection does (data, end, close, error) ends its use
    socket.on("data", drop);
    socket.on("end", drop);
    socket.on("close", drop);
    list.push(idle);
  }

  #forget(idle: Idle): void {
    clearTimeout(idle.timer);
    const socket = idle.reader.socket;
    socket.off("data", idle.drop);
    socket.off("end", idle.drop);
    socket.off("close", idle.drop);
  }

  /** Closes every idle connection. */
  clear(): void {
    for (const list of this.#idle.values()) {
      for (const idle of [...list]) idle.drop();
    }
    this.#idle.clear();
  }
}
