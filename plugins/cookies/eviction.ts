/**
 * Chromium's cookie limits and eviction order: at most 180 cookies per registrable domain (purged
 * down to 150 by priority rounds, non-secure before secure, least recently used first, each
 * priority keeping a quota) and 3300 in all (purged down to 3000, least recently used first, never
 * cookies used in the last 30 days).
 *
 * @module
 */
import { type CookieRecord, F_SECURE, PRIORITY_SHIFT } from "./cookie.ts";

/**
 * Cookies per registrable domain before a purge.
 *
 * @example
 * ```ts
 * DOMAIN_MAX_COOKIES; // 180
 * ```
 */
export const DOMAIN_MAX_COOKIES = 180;
/**
 * How many a per-domain purge removes (down to 150).
 *
 * @example
 * ```ts
 * DOMAIN_PURGE_COOKIES; // 30
 * ```
 */
export const DOMAIN_PURGE_COOKIES = 30;
/**
 * Cookies in a jar before a global purge.
 *
 * @example
 * ```ts
 * MAX_COOKIES; // 3300
 * ```
 */
export const MAX_COOKIES = 3300;
/**
 * How many a global purge removes (down to 3000).
 *
 * @example
 * ```ts
 * PURGE_COOKIES; // 300
 * ```
 */
export const PURGE_COOKIES = 300;
/**
 * Cookies used more recently than this are safe from the global purge (seconds).
 *
 * @example
 * ```ts
 * SAFE_FROM_GLOBAL_PURGE_S; // 30 * 24 * 3600
 * ```
 */
export const SAFE_FROM_GLOBAL_PURGE_S = 30 * 24 * 3600;
/**
 * Per-priority quotas kept by a domain purge: low, medium, high.
 *
 * @example
 * ```ts
 * DOMAIN_QUOTAS; // [30, 50, 70]
 * ```
 */
export const DOMAIN_QUOTAS: readonly number[] = [30, 50, 70];

// Chromium's rounds: [priority, protect secure cookies]
const ROUNDS: ReadonlyArray<readonly [number, boolean]> = [
  [0, true], // low, non-secure
  [0, false], // low, secure too
  [1, true], // medium, non-secure
  [2, true], // high, non-secure
  [1, false], // medium, secure too
  [2, false], // high, secure too
];

function priorityOf(c: CookieRecord): number {
  return (c.flags >> PRIORITY_SHIFT) & 3;
}

/**
 * Chooses which cookies of one registrable domain to evict so that `DOMAIN_MAX_COOKIES -
 * DOMAIN_PURGE_COOKIES` remain, in Chromium's order. Expired cookies must be removed first.
 *
 * @example
 * ```ts
 * const victims = chooseDomainEvictions([]); // []
 * ```
 */
export function chooseDomainEvictions(cookies: readonly CookieRecord[]): CookieRecord[] {
  if (cookies.length <= DOMAIN_MAX_COOKIES) return [];
  let goal = cookies.length - (DOMAIN_MAX_COOKIES - DOMAIN_PURGE_COOKIES);
  const lru = [...cookies].sort((a, b) => a.lastAccess - b.lastAccess || a.seq - b.seq);
  const gone = new Set<CookieRecord>();
  for (const [priority, protectSecure] of ROUNDS) {
    if (goal <= 0) break;
    const quota = DOMAIN_QUOTAS[priority];
    let atPriority = 0;
    let secureAtPriority = 0;
    for (const c of lru) {
      if (gone.has(c) || priorityOf(c) !== priority) continue;
      atPriority++;
      if (c.flags & F_SECURE) secureAtPriority++;
    }
    if (atPriority <= quota) continue;
    let deletable = atPriority - (protectSecure ? Math.max(secureAtPriority, quota) : quota);
    for (const c of lru) {
      if (goal <= 0 || deletable <= 0) break;
      if (gone.has(c) || priorityOf(c) !== priority) continue;
      if (protectSecure && (c.flags & F_SECURE)) continue;
      gone.add(c);
      goal--;
      deletable--;
    }
  }
  return [...gone];
}

/**
 * Chooses which cookies of a whole jar to evict when it holds more than `MAX_COOKIES`: least
 * recently used first, non-secure before secure, only cookies not used since `now - 30 days`
 * (`now` in cookie seconds, like the records' times).
 *
 * @example
 * ```ts
 * const victims = chooseGlobalEvictions([], 0); // []
 * ```
 */
export function chooseGlobalEvictions(
  cookies: readonly CookieRecord[],
  now: number,
): CookieRecord[] {
  if (cookies.length <= MAX_COOKIES) return [];
  let goal = cookies.length - (MAX_COOKIES - PURGE_COOKIES);
  const safeDate = now - SAFE_FROM_GLOBAL_PURGE_S;
  const old = cookies.filter((c) => c.lastAccess < safeDate)
    .sort((a, b) => a.lastAccess - b.lastAccess || a.seq - b.seq);
  const out: CookieRecord[] = [];
  for (const secureRound of [false, true]) {
    for (const c of old) {
      if (goal <= 0) return out;
      if (((c.flags & F_SECURE) !== 0) !== secureRound) continue;
      out.push(c);
      goal--;
    }
  }
  return out;
}
