/**
 * The cookie jar: RFC 6265bis storage and retrieval as Chromium applies it. Cookies are grouped by
 * registrable domain (and partition), each group kept in `Cookie` header order (longer paths
 * first, then earlier creation), so a lookup is one map access and a short scan.
 *
 * @module
 */
import {
  COOKIE_EPOCH_S,
  CookieRecord,
  EXPIRED,
  F_HOST_ONLY,
  F_HTTP_ONLY,
  F_SECURE,
  packFlags,
  SESSION_EXPIRY,
  toCookieSeconds,
} from "./cookie.ts";
import {
  type CookieUrl,
  defaultPath,
  isCookieableScheme,
  parseCookieUrl,
  pathMatch,
} from "./cookie_url.ts";
import { domainMatch, effectiveDomain, registrableDomain } from "./domain_match.ts";
import {
  chooseDomainEvictions,
  chooseGlobalEvictions,
  DOMAIN_MAX_COOKIES,
  MAX_COOKIES,
  SAFE_FROM_GLOBAL_PURGE_S,
} from "./eviction.ts";
import { detach, type ParsedSetCookie, parseSetCookie } from "./parse_set_cookie.ts";
import { scanGroup } from "./_match.ts";
import { checkPrefixes, resolveDomain } from "./_set_rules.ts";
import {
  CONTEXT_CROSS_SITE,
  CONTEXT_STRICT,
  type CookieAccess,
  partitionKeyFor,
  sameSiteContext,
} from "./same_site.ts";

/**
 * Why a cookie changed: Electron's `changed` causes (Electron 41+, Chromium's `CookieChangeCause`).
 * Insertions are `inserted`, or, when they replace an equivalent cookie (same name, domain, path
 * and partition), `inserted-no-change-overwrite` (nothing differs) or
 * `inserted-no-value-change-overwrite` (only attributes differ); the replaced cookie is reported
 * first as removed with `overwrite`, as Chromium's delete-then-insert does. Removals are
 * `explicit` (`remove()`, clearing), `expired`, `evicted` or `expired-overwrite`.
 */
export type ChangeCause =
  | "inserted"
  | "inserted-no-change-overwrite"
  | "inserted-no-value-change-overwrite"
  | "explicit"
  | "overwrite"
  | "expired"
  | "evicted"
  | "expired-overwrite";
/**
 * Called for every insertion (`removed` false) and removal (`removed` true). Records are live:
 * read what you need during the call (an overwrite updates the same record after its removal
 * event).
 */
export type ChangeListener = (cookie: CookieRecord, cause: ChangeCause, removed: boolean) => void;

/** The outcome of storing one cookie. */
export interface StoreResult {
  /** The stored cookie. */
  cookie?: CookieRecord;
  /** Why the cookie was refused (absent when stored or when it deleted an older one). */
  rejected?: string;
  /** True when the cookie was already expired: it only removed an equivalent one. */
  expired?: boolean;
}

/** Options of a {@linkcode CookieJar}. */
export interface CookieJarOptions {
  /** The clock, ms since the epoch (tests set it). */
  now?: () => number;
}

/**
 * 400 days: the longest a cookie may live (RFC 6265bis §5.5).
 *
 * @example
 * ```ts
 * MAX_EXPIRY_MS; // 400 * 24 * 3600 * 1000
 * ```
 */
export const MAX_EXPIRY_MS = 400 * 24 * 3600 * 1000;
const ACCESS_UPDATE_S = 60;

/**
 * The `Cookie` header's order (Chromium's `CookieSorter`, which `GetAllCookies` sorts by too):
 * longer paths first, then older cookies first.
 *
 * @example
 * ```ts
 * const records = new CookieJar().all();
 * records.sort(compareForHeader);
 * ```
 */
export function compareForHeader(a: CookieRecord, b: CookieRecord): number {
  return b.path.length - a.path.length || a.seq - b.seq;
}

function reject(reason: string): StoreResult {
  return { rejected: reason };
}

/**
 * An RFC 6265bis cookie jar.
 *
 * @example
 * ```ts
 * const jar = new CookieJar();
 * jar.setCookie("sid=1; Path=/", "https://example.org/login");
 * jar.cookieHeader("https://example.org/account"); // "sid=1"
 * ```
 */
export class CookieJar {
  #buckets = new Map<string, CookieRecord[]>();
  #size = 0;
  #partitioned = 0;
  #seq = 0;
  #earliestAccess = Infinity; // a lower bound of every cookie's lastAccess
  #now: () => number;
  #listeners: ChangeListener[] = [];
  #touchListeners: ((c: CookieRecord) => void)[] = [];

  /** Makes an empty jar. */
  constructor(options: CookieJarOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** How many cookies the jar holds (expired ones included until they are noticed). */
  get size(): number {
    return this.#size;
  }

  /** Subscribes to insertions and removals; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Subscribes to last-access updates (at most one per cookie per minute, as Chromium writes). */
  onTouch(listener: (cookie: CookieRecord) => void): () => void {
    this.#touchListeners.push(listener);
    return () => {
      this.#touchListeners = this.#touchListeners.filter((l) => l !== listener);
    };
  }

  /** The `Cookie` header value for a request to `url` (`""` when no cookie applies). */
  cookieHeader(url: string | URL | CookieUrl, access?: CookieAccess): string {
    const u = toCookieUrl(url);
    if (!isCookieableScheme(u.scheme)) return "";
    const list = this.#match(u, access, true, false);
    if (list.length === 0) return "";
    let out = "";
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (i > 0) out += "; ";
      out += c.name.length === 0 ? c.value : `${c.name}=${c.value}`;
    }
    return out;
  }

  /**
   * The cookies a request to `url` would carry, in `Cookie` header order. `allPartitions` adds
   * the partitioned cookies of every top-level site (for the API), not only the request's.
   */
  cookiesFor(
    url: string | URL | CookieUrl,
    access?: CookieAccess,
    options: { updateAccessTime?: boolean; allPartitions?: boolean } = {},
  ): CookieRecord[] {
    const u = toCookieUrl(url);
    if (!isCookieableScheme(u.scheme)) return [];
    return this.#match(u, access, options.updateAccessTime ?? true, options.allPartitions ?? false);
  }

  #match(u: CookieUrl, access: CookieAccess | undefined, touch: boolean, allPartitions: boolean) {
    const now = this.#nowSeconds();
    const key = registrableDomain(u.host);
    const out: CookieRecord[] = [];
    const level = access === undefined ? CONTEXT_STRICT : sameSiteContext(u, access);
    const http = access?.httpOnly !== false;
    const main = this.#buckets.get(key);
    let expired = main === undefined ? null : scanGroup(main, u, now, level, http, out);
    if (this.#partitioned > 0) {
      const before = out.length;
      const more: CookieRecord[][] = [];
      if (allPartitions) {
        for (const [k, bucket] of this.#buckets) {
          if (bucket !== main && k.endsWith(` ${key}`)) more.push(bucket);
        }
      } else {
        const bucket = this.#buckets.get(`${partitionKeyFor(u, access)} ${key}`);
        if (bucket !== undefined) more.push(bucket);
      }
      for (const bucket of more) {
        const e = scanGroup(bucket, u, now, level, http, out);
        if (e !== null) expired = expired === null ? e : expired.concat(e);
      }
      if (before > 0 && out.length > before) out.sort(compareForHeader);
    }
    if (expired !== null) { for (const c of expired) this.#remove(c, "expired"); }
    if (touch) {
      for (let i = 0; i < out.length; i++) {
        const c = out[i];
        if (now - c.lastAccess > ACCESS_UPDATE_S) {
          c.lastAccess = now;
          for (const l of this.#touchListeners) l(c);
        }
      }
    }
    return out;
  }

  /** Stores one `Set-Cookie` header value received from `url`. */
  setCookie(line: string, url: string | URL | CookieUrl, access?: CookieAccess): StoreResult {
    const u = toCookieUrl(url);
    if (!isCookieableScheme(u.scheme)) return reject(`URL scheme ${u.scheme} cannot set cookies`);
    const parsed = parseSetCookie(line);
    if (parsed === null) return reject("Cookie line is invalid");
    return this.store(parsed, u, access, false);
  }

  /**
   * Stores a parsed cookie for `url` after every RFC 6265bis / Chromium check. `fromApi` marks
   * Electron's `set()`: a same-site write, HTTP-level unless `access.httpOnly` is false (Electron
   * gives its `set()` HttpOnly access only for an HttpOnly cookie).
   */
  store(
    p: ParsedSetCookie,
    u: CookieUrl,
    access: CookieAccess | undefined,
    fromApi: boolean,
  ): StoreResult {
    const host = u.host;
    const urlDomain = effectiveDomain(host);
    const resolved = resolveDomain(p.domain, host, urlDomain);
    if (typeof resolved === "string") return reject(resolved);
    const hostOnly = resolved.hostOnly;
    let domain = resolved.domain;
    let path = p.path ? p.path : defaultPath(u.path);
    if (p.secure && !u.secure) return reject("Secure cookie set from an insecure URL");
    if (p.sameSite === "none" && !p.secure) return reject("SameSite=None cookie without Secure");
    if (p.partitioned && !p.secure) return reject("Partitioned cookie without Secure");
    const prefixError = checkPrefixes(p);
    if (prefixError) return reject(prefixError);
    const http = access?.httpOnly !== false;
    if (p.httpOnly && !http) return reject("HttpOnly cookie set from a non-HTTP API");
    if (!fromApi && p.sameSite !== "none" && sameSiteContext(u, access) === CONTEXT_CROSS_SITE) {
      return reject(
        `SameSite=${p.sameSite === "unspecified" ? "Lax (default)" : p.sameSite} cookie ` +
          "set from a cross-site context",
      );
    }
    const nowMs = this.#now();
    const now = Math.floor(nowMs / 1000) - COOKIE_EPOCH_S;
    let expires = SESSION_EXPIRY;
    if (p.maxAge !== undefined) {
      expires = p.maxAge <= 0
        ? EXPIRED
        : toCookieSeconds(nowMs + Math.min(p.maxAge * 1000, MAX_EXPIRY_MS));
    } else if (p.expires !== undefined) {
      expires = toCookieSeconds(Math.min(p.expires, nowMs + MAX_EXPIRY_MS));
    }
    const partitionKey = p.partitioned ? partitionKeyFor(u, access) : "";
    const flags = packFlags(
      hostOnly,
      p.secure,
      p.httpOnly,
      expires !== SESSION_EXPIRY,
      p.sameSite,
      p.priority,
    );
    const group = urlDomain === "" ? host : urlDomain;
    const bucketKey = partitionKey ? `${partitionKey} ${group}` : group;
    const bucket = this.#buckets.get(bucketKey);
    let existing: CookieRecord | undefined;
    if (bucket !== undefined) {
      const name = p.name;
      const hostOnlyBit = flags & F_HOST_ONLY;
      for (let i = 0; i < bucket.length; i++) {
        const c = bucket[i];
        if (c.name !== name) continue;
        if (c.domain === domain && c.path === path && (c.flags & F_HOST_ONLY) === hostOnlyBit) {
          existing = c;
          if ((c.flags & F_HTTP_ONLY) && !http) return reject("Would overwrite an HttpOnly cookie");
        }
        // Strict secure cookies: an insecure URL may not shadow a Secure cookie
        if (
          !u.secure && (c.flags & F_SECURE) && !p.secure &&
          (domainMatch(c.domain, domain) || domainMatch(domain, c.domain)) &&
          pathMatch(path, c.path)
        ) {
          return reject("Would overwrite a Secure cookie from an insecure URL");
        }
      }
    }
    if (expires <= now) {
      if (existing) this.#remove(existing, "expired-overwrite");
      return { expired: true };
    }
    if (existing !== undefined) {
      // Same name, domain and path: the record is updated in place (listeners see the old state
      // first). As in Chromium, it keeps the old creation time, hence its place in the Cookie
      // header, only when the value is unchanged; a new value is a new cookie, placed last.
      const cause = overwriteCause(existing, p.value, expires, flags);
      this.#emit(existing, "overwrite", true);
      existing.expires = expires;
      existing.flags = flags;
      existing.lastAccess = now;
      if (existing.value !== p.value) {
        existing.value = detach(p.value);
        existing.created = now;
        this.#renumber(existing, bucketKey);
      }
      this.#emit(existing, cause, false);
      return { cookie: existing };
    }
    // Share the domain and path strings of the group instead of keeping one copy per cookie.
    let shared = 0;
    if (bucket !== undefined) {
      for (let i = 0; i < bucket.length && shared !== 3; i++) {
        const c = bucket[i];
        if (!(shared & 1) && c.domain === domain) {
          domain = c.domain;
          shared |= 1;
        }
        if (!(shared & 2) && c.path === path) {
          path = c.path;
          shared |= 2;
        }
      }
    }
    const record = new CookieRecord(
      detach(p.name),
      detach(p.value),
      shared & 1 ? domain : detach(domain),
      shared & 2 ? path : detach(path),
      expires,
      ++this.#seq,
      now,
      flags,
      partitionKey,
    );
    record.lastAccess = now;
    this.#insert(record, bucketKey);
    this.#emit(record, "inserted", false);
    this.#collect(bucketKey, now);
    return { cookie: record };
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000) - COOKIE_EPOCH_S;
  }

  /** Gives a record a new creation order and moves it to its new place in its group. */
  #renumber(record: CookieRecord, bucketKey: string): void {
    const bucket = this.#buckets.get(bucketKey);
    record.seq = ++this.#seq;
    if (bucket === undefined) return;
    const at = bucket.indexOf(record);
    if (at < 0) return;
    bucket.splice(at, 1);
    let i = bucket.length;
    while (i > 0 && compareForHeader(bucket[i - 1], record) > 0) i--;
    bucket.splice(i, 0, record);
  }

  #insert(record: CookieRecord, bucketKey: string): void {
    let bucket = this.#buckets.get(bucketKey);
    if (bucket === undefined) {
      bucket = [];
      this.#buckets.set(bucketKey, bucket);
    }
    let i = bucket.length;
    while (i > 0 && compareForHeader(bucket[i - 1], record) > 0) i--;
    if (i === bucket.length) bucket.push(record);
    else bucket.splice(i, 0, record);
    this.#size++;
    if (record.partitionKey) this.#partitioned++;
    if (record.lastAccess < this.#earliestAccess) this.#earliestAccess = record.lastAccess;
  }

  #bucketKeyOf(c: CookieRecord): string {
    const d = registrableDomain(c.domain);
    return c.partitionKey ? `${c.partitionKey} ${d}` : d;
  }

  #remove(c: CookieRecord, cause: ChangeCause): boolean {
    const key = this.#bucketKeyOf(c);
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) return false;
    const i = bucket.indexOf(c);
    if (i < 0) return false;
    bucket.splice(i, 1);
    if (bucket.length === 0) this.#buckets.delete(key);
    this.#size--;
    if (c.partitionKey) this.#partitioned--;
    this.#emit(c, cause, true);
    return true;
  }

  #emit(c: CookieRecord, cause: ChangeCause, removed: boolean): void {
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i](c, cause, removed);
  }

  #collect(bucketKey: string, now: number): void {
    const bucket = this.#buckets.get(bucketKey);
    if (bucket !== undefined && bucket.length > DOMAIN_MAX_COOKIES) {
      for (const c of bucket.filter((c) => c.expires <= now)) this.#remove(c, "expired");
      const left = this.#buckets.get(bucketKey);
      if (left) { for (const c of chooseDomainEvictions(left)) this.#remove(c, "evicted"); }
    }
    // Chromium: a global purge only when over the limit and some cookie is old enough to go.
    if (this.#size > MAX_COOKIES && this.#earliestAccess < now - SAFE_FROM_GLOBAL_PURGE_S) {
      for (const c of this.all({ includeExpired: true })) {
        if (c.expires <= now) this.#remove(c, "expired");
      }
      const all = this.all();
      if (this.#size > MAX_COOKIES) {
        for (const c of chooseGlobalEvictions(all, now)) this.#remove(c, "evicted");
      }
      let earliest = Infinity;
      for (const c of this.all()) if (c.lastAccess < earliest) earliest = c.lastAccess;
      this.#earliestAccess = earliest;
    }
  }

  /** Every cookie (expired ones are skipped unless asked for), grouped by registrable domain. */
  all(options: { includeExpired?: boolean } = {}): CookieRecord[] {
    const now = this.#nowSeconds();
    const out: CookieRecord[] = [];
    for (const bucket of this.#buckets.values()) {
      for (const c of bucket) if (options.includeExpired || c.expires > now) out.push(c);
    }
    return out;
  }

  /**
   * Removes every expired cookie (cause `expired`), as Chromium's `GetAllCookies` does before it
   * lists them; returns how many went.
   */
  removeExpired(): number {
    const now = this.#nowSeconds();
    let removed = 0;
    for (const c of this.all({ includeExpired: true })) {
      if (c.expires <= now && this.#remove(c, "expired")) removed++;
    }
    return removed;
  }

  /** Removes one cookie (the record itself, as returned by the jar); false when absent. */
  delete(cookie: CookieRecord, cause: ChangeCause = "explicit"): boolean {
    return this.#remove(cookie, cause);
  }

  /**
   * Removes the cookies named `name` that a request to `url` would carry, like Electron's
   * `cookies.remove(url, name)`: of any partition, or only of `partitionKey`'s (`""`: the
   * unpartitioned ones). Returns how many were removed.
   */
  remove(url: string | URL | CookieUrl, name: string, partitionKey?: string): number {
    const u = toCookieUrl(url);
    const victims = this.#match(u, undefined, false, true).filter((c) =>
      c.name === name && (partitionKey === undefined || c.partitionKey === partitionKey)
    );
    for (const c of victims) this.#remove(c, "explicit");
    return victims.length;
  }

  /** Removes every cookie (cause `explicit`). */
  clear(): void {
    for (const c of this.all({ includeExpired: true })) this.#remove(c, "explicit");
  }

  /**
   * Puts a cookie back as it was (restoring from a store or importing), replacing an equivalent
   * one. With `silent` no change event is emitted and no limit is enforced.
   */
  restore(record: CookieRecord, silent = false): void {
    const key = this.#bucketKeyOf(record);
    const bucket = this.#buckets.get(key);
    const k = record.key;
    const old = bucket?.find((c) => c.key === k);
    const cause = old
      ? overwriteCause(old, record.value, record.expires, record.flags)
      : "inserted";
    if (old) this.#remove(old, "overwrite");
    record.seq = ++this.#seq;
    this.#insert(record, key);
    if (!silent) {
      this.#emit(record, cause, false);
      this.#collect(key, this.#nowSeconds());
    }
  }
}

/** The insertion cause of a cookie replacing `old` (Chromium compares value, then every attribute). */
function overwriteCause(
  old: CookieRecord,
  value: string,
  expires: number,
  flags: number,
): ChangeCause {
  if (old.value !== value) return "inserted";
  return old.expires === expires && old.flags === flags
    ? "inserted-no-change-overwrite"
    : "inserted-no-value-change-overwrite";
}

function toCookieUrl(url: string | URL | CookieUrl): CookieUrl {
  if (typeof url === "string" || url instanceof URL) return parseCookieUrl(url);
  return url;
}
