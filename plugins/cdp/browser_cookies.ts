/**
 * `ses.cookies` of a Chromium-backed session: Electron's Cookies API over Chromium's own cookie
 * jar for one browser context (`Storage.getCookies`/`setCookies`/`clearCookies`). CDP has no
 * cookie-change event, so `changed` comes from comparing the jar after each call of this API and,
 * while `changed` has a listener, after each response the bridge saw end, with Electron's causes:
 * a new cookie `inserted`; a changed one `overwrite` (removed) then `inserted` (or
 * `inserted-no-value-change-overwrite` when only its attributes changed); one removed through this
 * API `explicit`, else `expired` past its expiry and `expired-overwrite` before it (a page or a
 * server deleting it with an expired cookie). Without a listener no response costs a
 * `Storage.getCookies`; the first listener takes the jar as it is then as the state later changes
 * are told against (calls of this API made after it wait for that).
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import { Emitter } from "../../kernel/events.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import { browserMessage } from "../../kernel/cdp/cdp_error.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { StorageClearing } from "../../kernel/plugin.ts";
import type {
  Cookie,
  CookiesGetFilter,
  CookiesSetDetails,
  ElectronSameSite,
} from "../cookies/mod.ts";
import { defaultPath } from "../cookies/cookie_url.ts";
import { loadPublicSuffixList } from "../cookies/public_suffix.ts";
import { checkUrl, optional } from "../cookies/_arguments.ts";

type CdpCookie = Protocol.Network.Cookie;

const TO_ELECTRON: Record<string, ElectronSameSite> = {
  Strict: "strict",
  Lax: "lax",
  None: "no_restriction",
};
const TO_CDP: Record<ElectronSameSite, Protocol.Network.CookieSameSite | undefined> = {
  strict: "Strict",
  lax: "Lax",
  no_restriction: "None",
  unspecified: undefined,
};

/** Electron's shape of a CDP cookie. */
function electronCookie(c: CdpCookie): Cookie {
  const cookie: Cookie = {
    name: c.name,
    value: c.value,
    domain: c.domain,
    hostOnly: !c.domain.startsWith("."),
    path: c.path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    session: c.session,
    sameSite: c.sameSite ? TO_ELECTRON[c.sameSite] : "unspecified",
  };
  if (!c.session) cookie.expirationDate = c.expires;
  return cookie;
}

function domainMatches(host: string, domain: string): boolean {
  const bare = domain.replace(/^\./, "");
  return host === bare || (domain.startsWith(".") && host.endsWith(`.${bare}`));
}

function pathMatches(path: string, cookiePath: string): boolean {
  return path === cookiePath ||
    (path.startsWith(cookiePath) && (cookiePath.endsWith("/") || path[cookiePath.length] === "/"));
}

/** A CDP cookie as Playwright's storage state has it (what the library's jar restores). */
function playwrightCookie(c: CdpCookie) {
  return {
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    expires: c.session ? -1 : c.expires,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: c.sameSite ?? "Lax",
  };
}

/** Refuses a bad `get()` filter with the library session's TypeErrors. */
function checkFilter(filter: CookiesGetFilter): void {
  if (filter === null || typeof filter !== "object") {
    throw new TypeError("cookies.get: filter must be an object");
  }
  for (const key of ["name", "domain", "path"] as const) {
    optional("cookies.get", filter[key], "string", key);
  }
  for (const key of ["secure", "session", "httpOnly"] as const) {
    optional("cookies.get", filter[key], "boolean", key);
  }
  if (filter.url !== undefined && filter.url !== "") checkUrl("cookies.get", filter.url);
}

/** Whether `c` passes Electron's `get()` filter. */
function passes(c: Cookie, filter: CookiesGetFilter): boolean {
  // An empty url is every URL's cookies, as Electron's docs say.
  if (filter.url !== undefined && filter.url !== "") {
    const url = URL.parse(filter.url);
    if (!url) throw new TypeError(`cookies.get: filter.url "${filter.url}" is not a valid URL`);
    if (!domainMatches(url.hostname, c.domain) || !pathMatches(url.pathname, c.path)) return false;
    if (
      c.secure && url.protocol !== "https:" && url.hostname !== "localhost" &&
      url.hostname !== "127.0.0.1"
    ) {
      return false;
    }
  }
  if (filter.name !== undefined && c.name !== filter.name) return false;
  if (
    filter.domain !== undefined &&
    !domainMatches(c.domain.replace(/^\./, ""), `.${filter.domain.replace(/^\./, "")}`)
  ) {
    return false;
  }
  if (filter.path !== undefined && c.path !== filter.path) return false;
  for (const key of ["secure", "session", "httpOnly"] as const) {
    if (filter[key] !== undefined && c[key] !== filter[key]) return false;
  }
  return true;
}

const keyOf = (c: Cookie) => `${c.domain}\t${c.path}\t${c.name}`;

/** Whether two cookies of one key hold the same value and attributes. */
function same(a: Cookie, b: Cookie): boolean {
  return a.value === b.value && a.secure === b.secure && a.httpOnly === b.httpOnly &&
    a.sameSite === b.sameSite && a.expirationDate === b.expirationDate;
}

/** Electron's cause of a cookie gone from the jar: `explicit` through the API, else by expiry. */
function removalCause(
  c: Cookie,
  by: "api" | "page",
  nowSeconds: number,
): "explicit" | "expired" | "expired-overwrite" {
  if (by === "api") return "explicit";
  return c.expirationDate !== undefined && c.expirationDate <= nowSeconds
    ? "expired"
    : "expired-overwrite";
}

/**
 * Electron's Cookies over one Chromium browser context's jar.
 *
 * @example
 * ```ts ignore
 * const cookies = new BrowserCookies(() => ({ connection: browser.connection, contextId }));
 * await cookies.set({ url: "http://127.0.0.1:8000/", name: "a", value: "1" });
 * (await cookies.get({ name: "a" }))[0].value; // "1"
 * ```
 */
export class BrowserCookies extends Emitter {
  readonly #target: () => { connection: CdpConnection; contextId: string | undefined };
  #known = new Map<string, Cookie>();
  #comparing: Promise<void> = Promise.resolve();
  /** Whether `changed` had a listener at the last change of listeners. */
  #watching = false;

  /** Told when `changed` gets its first listener (the session then watches responses end). */
  onWatch: (() => void) | null = null;

  /**
   * The jar of the browser context `target()` names (`contextId` undefined: the browser's default
   * context); asked at each call, so the session can make the context after the member exists.
   */
  constructor(target: () => { connection: CdpConnection; contextId: string | undefined }) {
    super();
    this.#target = target;
  }

  get #connection(): CdpConnection {
    return this.#target().connection;
  }

  get #context(): string | undefined {
    return this.#target().contextId;
  }

  async #all(): Promise<Cookie[]> {
    const { cookies } = await this.#connection.send("Storage.getCookies", {
      browserContextId: this.#context,
    });
    return cookies.map(electronCookie);
  }

  /** Electron's `cookies.get(filter)`. */
  async get(filter: CookiesGetFilter = {}): Promise<Cookie[]> {
    checkFilter(filter);
    return (await this.#all()).filter((c) => passes(c, filter));
  }

  /**
   * Electron's `cookies.set(details)`: refused with the library session's TypeErrors (Electron's
   * words), checked against the context's cookies of that name before Chromium is asked.
   */
  async set(details: CookiesSetDetails): Promise<void> {
    const [{ checkSetDetails, refusalAmong }, { EXCLUSION, setCookieError }] = await Promise.all([
      import("../cookies/_set_details.ts"),
      import("../cookies/_set_errors.ts"),
    ]);
    const checked = checkSetDetails(details);
    await loadPublicSuffixList(); // the jar's rules read registrable domains
    const { cookie } = checked;
    await this.#comparing; // a listener added just before starts from the jar without this cookie
    const { cookies: stored } = await this.#connection.send("Storage.getCookies", {
      browserContextId: this.#context,
    });
    const refusal = refusalAmong(
      stored.filter((c) => c.name === cookie.name).map(playwrightCookie),
      checked,
      cookie.httpOnly,
    );
    if (refusal) throw refusal;
    const param: Protocol.Network.CookieParam = {
      name: cookie.name,
      value: cookie.value,
      url: details.url,
      // Electron's default, as Chromium's CreateSanitizedCookie: the URL's default path (CDP's
      // would be "/")
      path: cookie.path ?? defaultPath(checked.url.path),
      secure: cookie.secure,
      httpOnly: cookie.httpOnly,
      sameSite: TO_CDP[details.sameSite ?? "lax"],
    };
    if (cookie.domain !== undefined) param.domain = details.domain;
    if (details.expirationDate !== undefined) param.expires = details.expirationDate;
    try {
      await this.#connection.send("Storage.setCookies", {
        cookies: [param],
        browserContextId: this.#context,
      });
    } catch (error) {
      throw setCookieError(
        EXCLUSION.failureToStore,
        `Storage.setCookies: ${browserMessage(error)}`,
      );
    }
    await this.compare("api");
  }

  /** Electron's `cookies.remove(url, name)`. */
  async remove(url: string, name: string): Promise<void> {
    checkUrl("cookies.remove", url);
    if (typeof name !== "string") throw new TypeError("cookies.remove: name must be a string");
    await this.#comparing;
    const doomed = await this.get({ url: new URL(url).href, name });
    if (doomed.length === 0) return;
    await this.#expire(doomed);
    await this.compare("api");
  }

  /** Makes Chromium drop `doomed` (set again, expired). */
  async #expire(doomed: Cookie[]): Promise<void> {
    await this.#connection.send("Storage.setCookies", {
      cookies: doomed.map((c) => ({
        name: c.name,
        value: "",
        domain: c.domain,
        path: c.path,
        secure: c.secure,
        expires: 1,
      })),
      browserContextId: this.#context,
    });
  }

  /**
   * Removes the cookies `ses.clearStorageData`/`clearData` ask for: all of them, or those the
   * origins reach (by host; by registrable domain for `clearData`, as the library's jar does).
   */
  async clearFor(clearing: StorageClearing): Promise<void> {
    if (!clearing.includes("cookies")) return;
    if (clearing.origins === null && clearing.excludeOrigins === null) return await this.clear();
    const site = clearing.siteLevel
      ? (await import("../cookies/domain_match.ts")).registrableDomain
      : null;
    const reaches = (origin: string, domain: string) => {
      const host = new URL(origin).hostname.replace(/^\[|\]$/g, "");
      return site ? site(domain.replace(/^\./, "")) === site(host) : domainMatches(host, domain);
    };
    await this.#comparing;
    const doomed = (await this.#all()).filter((c) =>
      clearing.origins !== null
        ? clearing.origins.some((o) => reaches(o, c.domain))
        : !clearing.excludeOrigins!.some((o) => reaches(o, c.domain))
    );
    if (doomed.length > 0) await this.#expire(doomed);
    await this.compare("api");
  }

  /** Removes every cookie of the context. */
  async clear(): Promise<void> {
    await this.#comparing;
    await this.#connection.send("Storage.clearCookies", { browserContextId: this.#context });
    await this.compare("api");
  }

  /** Chromium writes its jar on its own schedule and at `Browser.close`; resolves at once. */
  flushStore(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Told when a response the bridge saw ended: compares the jar while `changed` has a listener
   * (a cookie the response set, or one a script set before it).
   */
  responseEnded(): void {
    if (this.listenerCount("changed") > 0) void this.compare("page");
  }

  /** The first listener of `changed` starts from the jar as it is (nothing is told for it). */
  protected override listenersChanged(eventName: string | symbol | undefined): void {
    if (eventName !== undefined && eventName !== "changed") return;
    const watching = this.listenerCount("changed") > 0;
    const started = watching && !this.#watching;
    this.#watching = watching;
    if (started) {
      this.#comparing = this.#comparing.then(async () => {
        try {
          this.#known = new Map((await this.#all()).map((c) => [keyOf(c), c]));
        } catch {
          // no browser yet (the session's start compares) or no longer
        }
      });
      this.onWatch?.();
    }
  }

  /**
   * Compares the jar with what it held last time and emits `changed` for each difference: after a
   * call of this API (`by` "api") a removed cookie is `explicit`; after a response (`by` "page")
   * `expired` or `expired-overwrite`.
   */
  compare(by: "api" | "page" = "api"): Promise<void> {
    this.#comparing = this.#comparing.then(async () => {
      let now: Cookie[];
      try {
        now = await this.#all();
      } catch {
        return; // the browser is gone
      }
      const next = new Map(now.map((c) => [keyOf(c), c]));
      const nowSeconds = Date.now() / 1000;
      for (const [key, old] of this.#known) {
        const current = next.get(key);
        if (!current) this.emit("changed", old, removalCause(old, by, nowSeconds), true);
        else if (!same(current, old)) this.emit("changed", old, "overwrite", true);
      }
      for (const [key, cookie] of next) {
        const old = this.#known.get(key);
        if (!old) this.emit("changed", cookie, "inserted", false);
        else if (old.value !== cookie.value) this.emit("changed", cookie, "inserted", false);
        else if (!same(cookie, old)) {
          this.emit("changed", cookie, "inserted-no-value-change-overwrite", false);
        }
      }
      this.#known = next;
    });
    return this.#comparing;
  }
}

/**
 * What an `onHeadersReceived` listener's Set-Cookie lines change in the jar of `cdp`'s context:
 * Chromium stored the response's own (`had`) before the pause, so a line the listener added is
 * stored and one it removed is dropped (a cookie of that name, domain and path the response
 * overwrote is gone with it); null when the lines are the same.
 *
 * @example
 * ```ts ignore
 * await listenerCookieChanges(cdp, "https://example.org/", ["a=1"], ["b=2"]); // stores b, drops a
 * ```
 */
export function listenerCookieChanges(
  cdp: CdpSession,
  url: string,
  had: readonly string[],
  lines: readonly string[],
): Promise<void> | null {
  const added = lines.filter((line) => !had.includes(line));
  const removed = had.filter((line) => !lines.includes(line));
  if (added.length === 0 && removed.length === 0) return null;
  return dropCookies(cdp, url, removed).then(() => storeListenerCookies(cdp, url, added));
}

/** Drops the cookies Set-Cookie `lines` stored for a response from `url` (`Network.deleteCookies`). */
async function dropCookies(cdp: CdpSession, url: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const { parseSetCookie } = await import("../cookies/parse_set_cookie.ts");
  const path = defaultPath(new URL(url).pathname);
  for (const line of lines) {
    const parsed = parseSetCookie(line);
    if (!parsed) continue;
    await cdp.send("Network.deleteCookies", {
      name: parsed.name,
      url,
      path: parsed.path || path,
      ...(parsed.domain === undefined ? {} : { domain: `.${parsed.domain}` }),
    }).catch(() => {});
  }
}

/**
 * Stores Set-Cookie lines as Chromium would for a response from `url` (`Network.setCookies` on
 * the target, so in its browser context); a line Chromium refuses is left out, as it would be.
 * A Set-Cookie an `onHeadersReceived` listener added: Chromium stored the response's own before
 * the pause.
 *
 * @example
 * ```ts ignore
 * await storeListenerCookies(cdp, "https://example.org/", ["a=1; Path=/"]);
 * ```
 */
export async function storeListenerCookies(
  cdp: CdpSession,
  url: string,
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return;
  const { parseSetCookie } = await import("../cookies/parse_set_cookie.ts");
  const now = Date.now() / 1000;
  const base = new URL(url);
  const cookies: Protocol.Network.CookieParam[] = [];
  for (const line of lines) {
    const parsed = parseSetCookie(line);
    if (!parsed) continue;
    const cookie: Protocol.Network.CookieParam = {
      name: parsed.name,
      value: parsed.value,
      url,
      path: parsed.path || defaultPath(base.pathname),
      secure: parsed.secure,
      httpOnly: parsed.httpOnly,
    };
    if (parsed.domain !== undefined) cookie.domain = `.${parsed.domain}`;
    if (parsed.sameSite !== "unspecified") cookie.sameSite = LINE_SAME_SITE[parsed.sameSite];
    if (parsed.maxAge !== undefined) cookie.expires = now + parsed.maxAge;
    else if (parsed.expires !== undefined) cookie.expires = parsed.expires / 1000;
    cookies.push(cookie);
  }
  for (const cookie of cookies) {
    await cdp.send("Network.setCookies", { cookies: [cookie] }).catch(() => {});
  }
}

/** The SameSite of a parsed Set-Cookie line, as CDP names it. */
const LINE_SAME_SITE = { none: "None", lax: "Lax", strict: "Strict" } as const;
