/**
 * `ses.cookies`: Electron's `Cookies` API (`get`, `set`, `remove`, `flushStore`, the `changed`
 * event) over a session's jar, plus `export()`/`import()` in Playwright's `storageState` shape.
 *
 * @module
 */
import { Emitter } from "../../kernel/events.ts";
import type { Cookie, CookieRecord, ElectronSameSite } from "./cookie.ts";
import { isCookieableScheme } from "./cookie_url.ts";
import { type ChangeCause, compareForHeader, type CookieJar } from "./jar.ts";
import { fromPlaywrightCookie, type StorageState, toPlaywrightCookie } from "./playwright_state.ts";
import { checkSetDetails, jarSetError } from "./_set_details.ts";
import { checkUrl, optional } from "./_arguments.ts";
import { siteOf } from "./same_site.ts";

/** Electron's `cookies.get()` filter. */
export interface CookiesGetFilter {
  /** Cookies a request to this URL would carry (all URLs when absent). */
  url?: string;
  /** Only cookies with this name. */
  name?: string;
  /**
   * Cookies whose domain is this one or a subdomain of it, or that would be sent to this host (a
   * leading dot is optional; compared label by label and case-sensitively, as Electron does).
   */
  domain?: string;
  /** Only cookies with this path. */
  path?: string;
  /** Only Secure (true) or non-Secure (false) cookies. */
  secure?: boolean;
  /** Only session (true) or persistent (false) cookies. */
  session?: boolean;
  /** Only HttpOnly (true) or non-HttpOnly (false) cookies. */
  httpOnly?: boolean;
}

/**
 * A key of `cookies.set()`'s details: `true` gives the call HttpOnly access, so that a cookie that
 * is not HttpOnly may replace an HttpOnly one, as Chrome's extension API may (Electron's `set()`
 * may not). A registered symbol, so that the extensions plugin needs no import of this one.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("cookies-http-only-access");
 * await ses.cookies.set({ url: "https://example.org/", name: "a", [HTTP_ONLY_ACCESS]: true });
 * ```
 */
export const HTTP_ONLY_ACCESS: unique symbol = Symbol.for("websession.cookies.httpOnlyAccess");

/** Electron's `cookies.set()` details. */
export interface CookiesSetDetails {
  /** With `true`, the call may replace an HttpOnly cookie (see {@linkcode HTTP_ONLY_ACCESS}). */
  [HTTP_ONLY_ACCESS]?: boolean;
  /** The URL the cookie is set for (required). */
  url: string;
  /** Name (default empty). */
  name?: string;
  /** Value (default empty). */
  value?: string;
  /** Domain: makes a domain cookie (it must match the URL's host). */
  domain?: string;
  /** Path (default: the URL's default path). */
  path?: string;
  /** Secure (default: true when `sameSite` is `no_restriction`, false otherwise, as in Electron). */
  secure?: boolean;
  /** HttpOnly (default false). */
  httpOnly?: boolean;
  /** Expiry in seconds since the epoch; a session cookie when absent. */
  expirationDate?: number;
  /** SameSite (default `lax`). */
  sameSite?: ElectronSameSite;
  /**
   * websession: the top-level site (an origin or URL of it) that keys a partitioned (CHIPS) cookie,
   * as `get` reports it; the cookie is then `Partitioned` and must be Secure. Absent: unpartitioned.
   */
  partitionKey?: string;
}

/** Options of `cookies.remove()` (websession; Electron's remove takes none). */
export interface CookiesRemoveOptions {
  /**
   * Which partition: a top-level site (as `get` reports it) for that partition's cookies, `""` for
   * unpartitioned cookies only; absent, every partition's (Electron's reading).
   */
  partitionKey?: string;
}

/** Options of `cookies.export()`. */
export interface CookiesExportOptions {
  /** Include session cookies (default false, as a restart would drop them). */
  includeSessionCookies?: boolean;
}

/** Persistence the API needs: a flush. */
export interface CookieFlusher {
  /** Resolves once every change so far is durable. */
  flush(): Promise<void>;
}

/**
 * Electron's `cookies.get({ domain })` test, both ways it has had: today's source
 * (`CanonicalCookie::IsDomainMatch(filter)`, which its spec asserts: the filter is a host the
 * cookie would be sent to, so `a.b.example.com` finds a `.example.com` cookie) or, as its docs say
 * and its earlier `MatchesDomain` did, the cookie's domain is the filter's or a subdomain of it,
 * whole labels. The filter is compared as given (cookie domains are stored lower-case).
 */
function matchesDomain(filter: string, domain: string, hostOnly: boolean): boolean {
  if (filter === (hostOnly ? domain : `.${domain}`)) return true;
  if (!hostOnly && (filter === domain || filter.endsWith(`.${domain}`))) return true;
  const dotted = filter.startsWith(".") ? filter : `.${filter}`;
  let sub = `.${domain}`;
  while (sub.length >= dotted.length) {
    if (sub === dotted) return true;
    const next = sub.indexOf(".", 1);
    if (next < 0) return false;
    sub = sub.slice(next);
  }
  return false;
}

/**
 * A session's cookies, as Electron's `session.cookies`. Emits `changed` with
 * `(event, cookie, cause, removed)`.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * import { cookiesPlugin, type CookiesSession } from "./mod.ts";
 * const ses = session.fromPartition("cookies-example", { plugins: [cookiesPlugin] }) as CookiesSession;
 * await ses.cookies.set({ url: "https://example.org", name: "a", value: "1" });
 * (await ses.cookies.get({ name: "a" }))[0].value; // "1"
 * ```
 */
export class Cookies extends Emitter {
  #jar: CookieJar;
  #flusher: CookieFlusher | null;
  #loading: Promise<void> | null = null;
  #start: (() => Promise<void>) | null = null;

  /**
   * Made by the cookies plugin for one session; while `loading` (the partition's stored cookies,
   * the public suffix list) is pending, every method waits for it. Given as a function, it is
   * started by the first method called (issue #24: loaded on first use).
   */
  constructor(
    jar: CookieJar,
    flusher: CookieFlusher | null,
    loading: Promise<void> | (() => Promise<void>) | null = null,
  ) {
    super();
    this.#jar = jar;
    this.#flusher = flusher;
    if (typeof loading === "function") this.#start = loading;
    else if (loading) this.#wait(loading);
    jar.onChange((cookie, cause, removed) => this.#changed(cookie, cause, removed));
  }

  /** Waits for `loading`; a failed one stays failed, unless `retry` may start it again. */
  #wait(loading: Promise<void>, retry?: () => Promise<void>): void {
    const waiting: Promise<void> = loading.then(() => {
      if (this.#loading === waiting) this.#loading = null;
    }, (error) => {
      if (retry && this.#loading === waiting) {
        this.#loading = null;
        this.#start = retry;
      }
      throw error;
    });
    this.#loading = waiting;
  }

  /** What the methods wait for first (started here when given as a function), or null. */
  #pending(): Promise<void> | null {
    if (this.#start !== null) {
      const start = this.#start;
      this.#start = null;
      this.#wait(start(), start);
    }
    return this.#loading;
  }

  /** The jar behind this API (for plugins and tests). */
  get jar(): CookieJar {
    return this.#jar;
  }

  #changed(cookie: CookieRecord, cause: ChangeCause, removed: boolean): void {
    if (this.listenerCount("changed") === 0) return;
    this.emit("changed", cookie.toJSON(), cause, removed);
  }

  /** Every cookie as Chromium's `GetAllCookies` lists them: expired ones removed, header order. */
  #everyCookie(): CookieRecord[] {
    this.#jar.removeExpired();
    return this.#jar.all().sort(compareForHeader);
  }

  /** The cookies matching `filter` (Electron's `cookies.get`). */
  get(filter: CookiesGetFilter = {}): Promise<Cookie[]> {
    if (this.#pending()) return this.#pending()!.then(() => this.get(filter));
    try {
      if (filter === null || typeof filter !== "object") {
        throw new TypeError("cookies.get: filter must be an object");
      }
      optional("cookies.get", filter.name, "string", "name");
      optional("cookies.get", filter.domain, "string", "domain");
      optional("cookies.get", filter.path, "string", "path");
      optional("cookies.get", filter.secure, "boolean", "secure");
      optional("cookies.get", filter.session, "boolean", "session");
      optional("cookies.get", filter.httpOnly, "boolean", "httpOnly");
      // An empty url is every URL's cookies, as Electron's docs say (and its source reads it).
      const records = filter.url !== undefined && filter.url !== ""
        ? this.#jar.cookiesFor(checkUrl("cookies.get", filter.url), undefined, {
          updateAccessTime: false,
          allPartitions: true,
        })
        : this.#everyCookie();
      const out: Cookie[] = [];
      for (const c of records) {
        if (filter.name !== undefined && c.name !== filter.name) continue;
        if (filter.domain !== undefined && !matchesDomain(filter.domain, c.domain, c.hostOnly)) {
          continue;
        }
        if (filter.path !== undefined && c.path !== filter.path) continue;
        if (filter.secure !== undefined && c.secure !== filter.secure) continue;
        if (filter.session !== undefined && c.persistent === filter.session) continue;
        if (filter.httpOnly !== undefined && c.httpOnly !== filter.httpOnly) continue;
        out.push(c.toJSON());
      }
      return Promise.resolve(out);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sets a cookie (Electron's `cookies.set`). Rejects with a TypeError that names the rule when
   * the cookie is refused.
   */
  set(details: CookiesSetDetails): Promise<void> {
    if (this.#pending()) return this.#pending()!.then(() => this.set(details));
    try {
      const { url: u, cookie: parsed } = checkSetDetails(details);
      const partitionKey = checkPartitionKey("cookies.set", details.partitionKey);
      if (partitionKey) parsed.partitioned = true;
      // Electron's set() has HttpOnly access only for an HttpOnly cookie: another may not
      // replace an HttpOnly one (Chrome's extension API may, through HTTP_ONLY_ACCESS).
      const httpOnlyAccess = parsed.httpOnly || details[HTTP_ONLY_ACCESS] === true;
      const access = parsed.partitioned
        ? { httpOnly: httpOnlyAccess, partitionKey }
        : { httpOnly: httpOnlyAccess };
      const result = this.#jar.store(parsed, u, access, true);
      if (result.rejected) {
        throw jarSetError(result.rejected);
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Removes the cookies named `name` that match `url` (Electron's `cookies.remove`), of every
   * partition unless `options.partitionKey` names one (`""`: unpartitioned cookies only).
   */
  remove(url: string, name: string, options: CookiesRemoveOptions = {}): Promise<void> {
    if (this.#pending()) return this.#pending()!.then(() => this.remove(url, name, options));
    try {
      const u = checkUrl("cookies.remove", url);
      if (typeof name !== "string") throw new TypeError("cookies.remove: name must be a string");
      const partitionKey = checkPartitionKey("cookies.remove", options?.partitionKey);
      if (isCookieableScheme(u.scheme)) this.#jar.remove(u, name, partitionKey);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Writes every pending change to the partition's store (a no-op in memory). */
  async flushStore(): Promise<void> {
    await this.#pending();
    await this.#flusher?.flush();
  }

  /** The cookies in Playwright's `storageState` shape. */
  export(options: CookiesExportOptions = {}): Promise<StorageState> {
    if (this.#pending()) return this.#pending()!.then(() => this.export(options));
    const cookies = this.#jar.all()
      .filter((c) => options.includeSessionCookies || c.persistent)
      .map(toPlaywrightCookie);
    return Promise.resolve({ cookies, origins: [] });
  }

  /**
   * Adds the cookies of a Playwright `storageState` (session cookies included), replacing
   * cookies with the same name, domain and path. Rejects with a TypeError naming the first bad
   * cookie; nothing is imported then.
   */
  import(state: Pick<StorageState, "cookies">): Promise<void> {
    if (this.#pending()) return this.#pending()!.then(() => this.import(state));
    try {
      if (state === null || typeof state !== "object" || !Array.isArray(state.cookies)) {
        throw new TypeError("cookies.import: state must be an object with a cookies array");
      }
      const now = Date.now();
      const records = state.cookies.map((c, i) => fromPlaywrightCookie(c, i, now));
      for (const record of records) if (record !== null) this.#jar.restore(record);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/**
 * A `partitionKey` argument as the jar keys partitions: the schemeful site of the origin or URL
 * given (`""` stays `""`); a TypeError naming the call when it is not a string or has no site.
 */
function checkPartitionKey(where: string, key: unknown): string | undefined {
  if (key === undefined || key === "") return key as undefined | "";
  if (typeof key !== "string") throw new TypeError(`${where}: partitionKey must be a string`);
  const site = siteOf(key);
  if (site === "null") {
    throw new TypeError(
      `${where}: partitionKey must be a top-level site such as "https://example.com" (got "${key}")`,
    );
  }
  return site;
}
