/**
 * `--store URL` (and `WEBSESSION_STORE`): the session server keeps its persistent partitions on a
 * Redis (or Valkey) shared with the other servers given the same URL, instead of SQLite under its
 * storage root. Checked at start, so a wrong address or password stops the server with one line.
 *
 * @module
 */
import { configure } from "../../kernel/partitions.ts";
import { checkRedisStore, redisStoreFactory } from "../../adapters/store/redis.ts";

/**
 * Connects to the Redis at `url` once (rejecting with a one-line `RedisStoreError` when it is not
 * a redis:// URL, cannot be reached or refuses the credentials), then makes every partition opened
 * from now on keep its data there.
 *
 * @example
 * ```ts ignore
 * await useStore("redis://127.0.0.1:6379/0");
 * ```
 */
export async function useStore(url: string): Promise<void> {
  await checkRedisStore(url);
  configure({ store: redisStoreFactory(url) });
}

/**
 * The URL with its password replaced by `***`, for printing.
 *
 * @example
 * ```ts
 * redactedStore("redis://:secret@127.0.0.1:6379/0"); // "redis://:***@127.0.0.1:6379/0"
 * ```
 */
export function redactedStore(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}
