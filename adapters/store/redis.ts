/**
 * A store on Redis (or Valkey), shared by every process that opens the same partition on the same
 * server. A partition is one hash (`websession:<partition>`), a version counter
 * (`websession:version:<partition>`) and a pub/sub channel (`websession:changes:<partition>`).
 * Every batch is one Lua script, atomic in Redis: it bumps the version, sets and deletes the
 * fields, and publishes the batch with its version, so every process sees every write in Redis's
 * order and two processes writing at once lose nothing.
 *
 * Each process keeps the partition in memory (loaded at open, kept current from the channel and
 * reloaded after a reconnection; a per-key version decides between an acknowledgement and an
 * announcement arriving in either order), so reads are local and keep working while Redis
 * restarts. A write is acknowledged once Redis has applied it; while Redis is unreachable it waits
 * for the reconnection up to `writeTimeout`, then rejects with one clear line and is not applied.
 * What Redis acknowledged survives Redis's own restart when it runs with AOF and
 * `appendfsync always`.
 *
 * The client is `redis` (node-redis, the Redis project's own client, v5): it runs unchanged on
 * Deno and Bun through their `node:net`, and has the pub/sub, scripting and reconnection this
 * adapter needs. `ioredis` also runs on both, but its maintainers point new projects to node-redis.
 *
 * Published as the `./store/redis` entry (`@websession/websession/store/redis` on Deno,
 * `websession/store/redis` on Bun); the session server uses it for `--store redis://...`.
 *
 * @example Every process configured like this shares the persistent partitions
 * ```ts ignore
 * import { configure, session } from "@websession/websession"; // Bun: "websession"
 * import { redisStoreFactory } from "@websession/websession/store/redis"; // Bun: "websession/store/redis"
 *
 * configure({ store: redisStoreFactory("redis://127.0.0.1:6379/0") });
 * const ses = session.fromPartition("persist:shared");
 * ses.cookies.on("changed", (_event, cookie) => console.log(cookie.name)); // others' changes too
 * await ses.cookies.set({ url: "https://example.org/", name: "sid", value: "1" });
 * ```
 *
 * @module
 */
import { createClient, ErrorReply } from "redis";
import { cachedList, cachedValue, MemoryStore, validate } from "./memory.ts";
import type {
  Store,
  StoreChange,
  StoreFactory,
  StoreOperation,
  StoreValue,
} from "../../kernel/store.ts";

/**
 * Options of {@linkcode RedisStore}.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { url: "redis://127.0.0.1:6379/0", partition: "persist:a" };
 * ```
 */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  /** The partition whose data this store holds. */
  partition: string;
  /** The prefix of the Redis keys (default `websession:`). */
  keyPrefix?: string;
  /**
   * How long a write waits for Redis to come back when it is unreachable, in ms (default 10000);
   * after that the write rejects with a {@linkcode RedisStoreError} and nothing of it is applied.
   */
  writeTimeout?: number;
}

type Client = ReturnType<typeof createClient>;

interface Announcement {
  changes: Array<{ key: string; value: string | null }>;
}

/**
 * One write, atomically: bumps the partition's version, sets and deletes the fields, and announces
 * `<version> <process id> <JSON array of op, field, value triples>` on the channel (Redis encodes
 * it, so the batch crosses the wire once). ARGV: channel, process id, then triples of `s`/`d`,
 * field, value. Exported for the benchmark's raw-client baseline.
 *
 * @example
 * ```ts ignore
 * await client.sendCommand(["EVAL", WRITE_SCRIPT, "2", hash, versionKey, channel, id, "s", "k", "1"]);
 * ```
 */
export const WRITE_SCRIPT = `local version = redis.call('INCR', KEYS[2])
local triples = {}
for i = 3, #ARGV, 3 do
  if ARGV[i] == 's' then redis.call('HSET', KEYS[1], ARGV[i + 1], ARGV[i + 2])
  else redis.call('HDEL', KEYS[1], ARGV[i + 1]) end
  triples[#triples + 1] = ARGV[i]
  triples[#triples + 1] = ARGV[i + 1]
  triples[#triples + 1] = ARGV[i + 2]
end
redis.call('PUBLISH', ARGV[1], version .. ' ' .. ARGV[2] .. ' ' .. cjson.encode(triples))
return version`;

let writeDigest: string | null = null;
const WRITE_DIGEST: Promise<string> = crypto.subtle.digest(
  "SHA-1",
  new TextEncoder().encode(WRITE_SCRIPT),
).then((hash) =>
  writeDigest = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("")
);

/**
 * The one-line reason a Redis URL cannot be used (bad syntax, refused, auth), or a write Redis did
 * not acknowledge in time; the URL in the message has its password hidden.
 *
 * @example
 * ```ts
 * try {
 *   new RedisStore({ url: "http://127.0.0.1:6379", partition: "persist:a" });
 * } catch (error) {
 *   (error as RedisStoreError).message; // "Redis store http://127.0.0.1:6379/: the scheme must be ..."
 * }
 * ```
 */
export class RedisStoreError extends Error {
  /** The URL with its password hidden. */
  readonly url: string;
  /** `Redis store <url>: <message>`; `url` must already have its password hidden. */
  constructor(url: string, message: string, options?: ErrorOptions) {
    super(`Redis store ${url}: ${message}`, options);
    this.name = "RedisStoreError";
    this.url = url;
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.href;
  } catch {
    return url;
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisStoreError(url, "not a URL (redis://host:port/db)");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RedisStoreError(
      redact(url),
      `the scheme must be redis: or rediss:, not ${parsed.protocol}`,
    );
  }
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) {
    throw new RedisStoreError(redact(url), `the database "${db}" is not a number`);
  }
}

/**
 * A partition's store on Redis, shared across processes. Usable at once: every call waits for the
 * first load; {@linkcode RedisStore.ready} rejects with a {@linkcode RedisStoreError} when the
 * server cannot be reached or refuses the credentials.
 *
 * @example
 * ```ts ignore
 * const store = new RedisStore({ url: "redis://127.0.0.1:6379", partition: "persist:work" });
 * await store.ready;
 * await store.set("a", 1);
 * store.watch((changes) => console.log(changes)); // what other processes change
 * ```
 */
export class RedisStore implements Store {
  /** Several processes use it at once by design: the session server takes no folder lock. */
  readonly shared = true;
  /** Resolves once connected and loaded. */
  readonly ready: Promise<void>;
  readonly #id = crypto.randomUUID();
  readonly #hash: string;
  readonly #channel: string;
  readonly #url: string;
  readonly #writeTimeout: number;
  #client: Client;
  #subscriber: Client;
  readonly #versionKey: string;
  #cache = new Map<string, string>();
  /** The version of the last write taken into the copy, per key (deletions included). */
  #versions = new Map<string, number>();
  /** The version of the partition the copy was last loaded at. */
  #snapshot = 0;
  #watchers = new Set<(changes: StoreChange[]) => void>();
  #inFlight = new Set<Promise<unknown>>();
  #loaded = false;
  #buffered: Array<[number, Announcement]> = [];
  #closed = false;

  /** Connects to `options.url` and loads `options.partition`. */
  constructor(options: RedisStoreOptions) {
    checkUrl(options.url);
    this.#url = redact(options.url);
    const prefix = options.keyPrefix ?? "websession:";
    this.#hash = `${prefix}${options.partition}`;
    // Persistent partitions are "" or "persist:...", so these never name another's hash.
    this.#channel = `${prefix}changes:${options.partition}`;
    this.#versionKey = `${prefix}version:${options.partition}`;
    this.#writeTimeout = options.writeTimeout ?? 10_000;
    if (!(this.#writeTimeout >= 0)) {
      throw new TypeError(`RedisStore: writeTimeout must be a number of ms >= 0`);
    }
    let connected = false;
    const reconnectStrategy = (retries: number, cause: Error) =>
      connected ? Math.min(50 * 2 ** retries, 2000) : cause;
    // No offline queue: a write made while the socket is down waits in batch() for the reconnection
    // (bounded by writeTimeout) rather than in the client, so one that times out is never sent.
    this.#client = createClient({
      url: options.url,
      socket: { reconnectStrategy },
      disableOfflineQueue: true,
    });
    this.#subscriber = this.#client.duplicate();
    // Errors while reconnecting are retried; the store answers from its copy meanwhile.
    this.#client.on("error", () => {});
    this.#subscriber.on("error", () => {});
    this.ready = this.#start(() => (connected = true));
    this.ready.catch(() => {});
  }

  /** Connects both clients, subscribes, loads the partition. */
  async #start(onConnected: () => void): Promise<void> {
    try {
      await this.#client.connect();
      await this.#subscriber.connect();
    } catch (error) {
      await this.#quit();
      throw new RedisStoreError(this.#url, (error as Error).message || "cannot connect", {
        cause: error,
      });
    }
    onConnected();
    await this.#subscriber.subscribe(this.#channel, (message) => this.#announced(message));
    await this.#reload();
    this.#loaded = true;
    for (const [version, announcement] of this.#buffered.splice(0)) {
      this.#apply(version, announcement);
    }
    // After a reconnection the copy may have missed announcements: reload and tell watchers.
    this.#client.on("ready", () => {
      if (!this.#closed) this.#reload().catch(() => {});
    });
  }

  async get(key: string): Promise<StoreValue | undefined> {
    await this.#open();
    return cachedValue(this.#cache, key);
  }

  set(key: string, value: StoreValue): Promise<void> {
    return this.batch([{ op: "set", key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ op: "delete", key }]);
  }

  async list(prefix: string): Promise<Array<[string, StoreValue]>> {
    await this.#open();
    return cachedList(this.#cache, prefix);
  }

  async batch(operations: StoreOperation[]): Promise<void> {
    if (this.#closed) throw new TypeError("The store is closed");
    const encoded = operations.map((o) => validate(o));
    if (!this.#loaded) await this.#open();
    if (encoded.length === 0) return;
    const write = this.#write(encoded);
    this.#inFlight.add(write);
    let version: number;
    try {
      version = await write;
    } finally {
      this.#inFlight.delete(write);
    }
    for (const [key, value] of encoded) this.#take(key, value, version);
  }

  /** Runs the write script (by its digest; sent whole when Redis does not know it yet). */
  async #script(args: string[]): Promise<number> {
    const keys = [this.#hash, this.#versionKey];
    try {
      return Number(
        await this.#client.sendCommand([
          "EVALSHA",
          writeDigest ?? await WRITE_DIGEST,
          "2",
          ...keys,
          ...args,
        ]),
      );
    } catch (error) {
      if (!(error instanceof ErrorReply && error.message.startsWith("NOSCRIPT"))) throw error;
      return Number(await this.#client.sendCommand(["EVAL", WRITE_SCRIPT, "2", ...keys, ...args]));
    }
  }

  /**
   * Takes a value into the copy unless a later write (by Redis's order) is there already; returns
   * whether it did. Every write of the partition has a version, in the order Redis applied them,
   * so announcements and acknowledgements arriving in any order end in Redis's state.
   */
  #take(key: string, value: string | null, version: number): boolean {
    if (version <= (this.#versions.get(key) ?? this.#snapshot)) return false;
    this.#versions.set(key, version);
    if (value === null) this.#cache.delete(key);
    else this.#cache.set(key, value);
    return true;
  }

  /**
   * Sends one batch as a transaction. While Redis is unreachable it waits for the reconnection, and
   * a transaction cut off by a dropped connection is sent again (setting and deleting fields is
   * idempotent); after `writeTimeout` ms without an answer it gives up with one clear line.
   */
  async #write(encoded: Array<[string, string | null]>): Promise<number> {
    const deadline = Date.now() + this.#writeTimeout;
    const args = [this.#channel, this.#id];
    for (const [key, value] of encoded) args.push(value === null ? "d" : "s", key, value ?? "");
    let lastError: unknown = null;
    while (!this.#closed) {
      if (this.#client.isReady) {
        try {
          return await this.#script(args);
        } catch (error) {
          if (error instanceof ErrorReply) {
            throw new RedisStoreError(this.#url, error.message, { cause: error });
          }
          lastError = error;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.#readyOrTimeout(Math.min(left, 250));
    }
    throw this.#closed ? new TypeError("The store is closed") : this.#gaveUp(lastError);
  }

  #gaveUp(lastError: unknown): RedisStoreError {
    const why = (lastError as Error | null)?.message ?? "the connection is down";
    return new RedisStoreError(
      this.#url,
      `the write was not acknowledged within ${this.#writeTimeout} ms (${why})`,
      { cause: lastError },
    );
  }

  #readyOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#client.on("ready", done);
    });
  }

  async flush(): Promise<void> {
    await this.#open();
    await Promise.allSettled([...this.#inFlight]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush().catch(() => {});
    this.#closed = true;
    this.#watchers.clear();
    await this.#quit();
  }

  /** Tells `listener` of the changes other processes made; returns the unsubscribe function. */
  watch(listener: (changes: StoreChange[]) => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  async #open(): Promise<void> {
    if (this.#closed) throw new TypeError("The store is closed");
    if (!this.#loaded) await this.ready;
  }

  async #quit(): Promise<void> {
    for (const client of [this.#subscriber, this.#client]) {
      try {
        if (client.isOpen) await client.quit();
      } catch {
        client.destroy?.();
      }
    }
  }

  /**
   * Reads the whole hash with its version and tells watchers what differs from the copy; writes
   * taken meanwhile with a later version stay.
   */
  async #reload(): Promise<void> {
    const [version, hash] = await this.#client.multi().get(this.#versionKey).hGetAll(this.#hash)
      .exec() as unknown as [string | null, Record<string, string>];
    const snapshot = Number(version ?? 0);
    const fresh = new Map(Object.entries(hash));
    for (const [key, taken] of this.#versions) {
      if (taken <= snapshot) continue;
      const text = this.#cache.get(key);
      if (text === undefined) fresh.delete(key);
      else fresh.set(key, text);
    }
    const changes: StoreChange[] = [];
    if (this.#loaded) {
      for (const [key, text] of this.#cache) {
        if (!fresh.has(key)) changes.push({ key, value: undefined, previous: JSON.parse(text) });
      }
      for (const [key, text] of fresh) {
        const before = this.#cache.get(key);
        if (before !== text) {
          changes.push({
            key,
            value: JSON.parse(text),
            previous: before === undefined ? undefined : JSON.parse(before),
          });
        }
      }
    }
    this.#cache = fresh;
    this.#snapshot = Math.max(this.#snapshot, snapshot);
    for (const [key, taken] of this.#versions) {
      if (taken <= this.#snapshot) this.#versions.delete(key);
    }
    this.#tell(changes);
  }

  /** `<version> <process id> <triples as JSON>`; this process's own are taken at their ack. */
  #announced(message: string): void {
    const first = message.indexOf(" ");
    const second = message.indexOf(" ", first + 1);
    if (first < 0 || second < 0 || message.slice(first + 1, second) === this.#id) return;
    const version = Number(message.slice(0, first));
    const changes: Announcement["changes"] = [];
    try {
      const triples = JSON.parse(message.slice(second + 1));
      for (let i = 0; i + 2 < triples.length; i += 3) {
        changes.push({
          key: String(triples[i + 1]),
          value: triples[i] === "s" ? triples[i + 2] : null,
        });
      }
    } catch {
      return;
    }
    if (!Number.isSafeInteger(version)) return;
    if (!this.#loaded) this.#buffered.push([version, { changes }]);
    else this.#apply(version, { changes });
  }

  #apply(version: number, announcement: Announcement): void {
    const changes: StoreChange[] = [];
    for (const { key, value } of announcement.changes) {
      const before = this.#cache.get(key);
      if (!this.#take(key, value, version)) continue;
      if (before === (value ?? undefined)) continue;
      changes.push({
        key,
        value: value === null ? undefined : JSON.parse(value),
        previous: before === undefined ? undefined : JSON.parse(before),
      });
    }
    this.#tell(changes);
  }

  #tell(changes: StoreChange[]): void {
    if (changes.length === 0) return;
    for (const watcher of this.#watchers) {
      try {
        watcher(changes);
      } catch {
        // A watcher's failure is its own; the others still hear.
      }
    }
  }
}

/**
 * Connects to `url` once and lets go: resolves when the server answers and accepts the
 * credentials, rejects with a one-line {@linkcode RedisStoreError} otherwise (for a program to
 * fail at start rather than at its first write).
 *
 * @example
 * ```ts ignore
 * await checkRedisStore("redis://127.0.0.1:6379/0");
 * ```
 */
export async function checkRedisStore(url: string): Promise<void> {
  const probe = new RedisStore({ url, partition: "\u0000probe" });
  try {
    await probe.ready;
  } finally {
    await probe.close().catch(() => {});
  }
}

/**
 * A store factory for `configure({ store })`: persistent partitions on the Redis at `url`,
 * in-memory ones in memory.
 *
 * @example
 * ```ts ignore
 * import { configure } from "../../mod.ts";
 * configure({ store: redisStoreFactory("redis://127.0.0.1:6379/0") });
 * ```
 */
export function redisStoreFactory(
  url: string,
  options: { keyPrefix?: string; memory?: StoreFactory } = {},
): StoreFactory {
  const memory = options.memory ?? (() => new MemoryStore());
  checkUrl(url);
  return (target) =>
    target.storagePath === null
      ? memory(target)
      : new RedisStore({ url, partition: target.partition, keyPrefix: options.keyPrefix });
}
