/**
 * The cookies plugin: every session gets an RFC 6265bis jar (as Chromium applies it) that the
 * request pipeline uses — `beforeSendHeaders` adds the `Cookie` header, `headersReceived` stores
 * `Set-Cookie` — and Electron's `Cookies` API on `ses.cookies`. Persistent partitions keep their
 * cookies in the partition's store, written in batches.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * import { cookiesPlugin } from "./mod.ts";
 * const ses = session.fromPartition("cookies-doc", { preset: false, plugins: [cookiesPlugin] });
 * await ses.cookies.set({ url: "https://example.org/", name: "sid", value: "1" });
 * const [cookie] = await ses.cookies.get({ url: "https://example.org/" });
 * cookie.value; // "1"
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { includesCredentials } from "../../kernel/http/credentials_mode.ts";
import { Cookies } from "./api.ts";
import { CookieJar } from "./jar.ts";
import { CookiePersistence } from "./persistence.ts";
import { siteOf } from "./same_site.ts";
import { type CookieUrl, cookieUrl } from "./cookie_url.ts";
import type { CookieAccess } from "./same_site.ts";
import { fromByteString, toByteString } from "./serialize.ts";
import { domainMatch, registrableDomain } from "./domain_match.ts";
import type { StorageClearing } from "../../kernel/plugin.ts";
import { loadPublicSuffixList, publicSuffixListLoaded } from "./public_suffix.ts";

// The kernel's types (Session, Plugin, PipelineRequest, ...) that this entry point's API refers to,
// so that its documentation is complete on its own.
export type * from "../../kernel/mod.ts";
export { Cookies, HTTP_ONLY_ACCESS } from "./api.ts";
export type {
  CookiesExportOptions,
  CookiesGetFilter,
  CookiesRemoveOptions,
  CookiesSetDetails,
} from "./api.ts";
export type { Cookie, ElectronSameSite } from "./cookie.ts";
export { CookieRecord } from "./cookie.ts";
export { CookieJar } from "./jar.ts";
export type { ChangeCause, ChangeListener, CookieJarOptions, StoreResult } from "./jar.ts";
export type { CookieAccess } from "./same_site.ts";
export type { CookieUrl } from "./cookie_url.ts";
export type { ParsedSetCookie, PriorityValue, SameSiteValue } from "./parse_set_cookie.ts";
export type { CookieFlusher } from "./api.ts";

export type { PlaywrightCookie, StorageState } from "./playwright_state.ts";
export { parseSetCookie } from "./parse_set_cookie.ts";
export { parseCookieDate } from "./cookie_date.ts";
export { loadPublicSuffixList } from "./public_suffix.ts";

/**
 * The session member the cookies plugin adds: a session built with it has `ses.cookies` in its
 * type (`session.fromPartition(p, { plugins: [cookiesPlugin] })`, or the default preset).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: CookiesMembers = session.fromPartition("cookies-members");
 * await ses.cookies.get({});
 * ```
 */
export interface CookiesMembers {
  /** The session's cookies (Electron's `ses.cookies`). */
  readonly cookies: Cookies;
}

/** Options of {@linkcode createCookiesPlugin}. */
export interface CookiesPluginOptions {
  /**
   * Restore session cookies of persistent partitions after a restart (default false: they are
   * dropped at start, as Chromium does).
   */
  restoreSessionCookies?: boolean;
  /**
   * How long cookie changes wait to be written together, in ms (default 20; on a store shared
   * between processes, 0 for changes, which the other processes then hear at once).
   */
  batchDelay?: number;
}

const CALLER_COOKIE = Symbol("cookies: the caller's own Cookie header");

/**
 * Whether a request's hop takes part in cookies: `useSessionCookies: false` opts out, and so does
 * a hop without credentials (`credentials: "omit"`, or `same-origin` to another origin).
 */
function usesCookies(request: PipelineRequest): boolean {
  return request.options.useSessionCookies !== false && includesCredentials(request);
}

function accessOf(request: PipelineRequest): CookieAccess {
  return {
    initiator: request.initiator,
    topLevelNavigation: request.resourceType === "main_frame",
    method: request.method,
    partitionKey: request.topLevelSite ? siteOf(request.topLevelSite) : null,
  };
}

const HOP = Symbol("cookies: the current hop's URL parts and access");
interface Hop {
  url: string;
  method: string;
  parts: CookieUrl;
  access: CookieAccess;
}

/** The URL parts and access of the request's current hop, read once per hop. */
function hopOf(request: PipelineRequest): Hop {
  let hop = request.data.get(HOP) as Hop | undefined;
  if (hop === undefined || hop.url !== request.url || hop.method !== request.method) {
    hop = {
      url: request.url,
      method: request.method,
      parts: cookieUrl(request.urlParts),
      access: accessOf(request),
    };
    request.data.set(HOP, hop);
  }
  return hop;
}

/**
 * Makes the cookies plugin with options.
 *
 * @example
 * ```ts
 * const plugin = createCookiesPlugin({ restoreSessionCookies: true });
 * plugin.name; // "cookies"
 * ```
 */
export function createCookiesPlugin(
  options: CookiesPluginOptions = {},
): Plugin<CookiesMembers> {
  return definePlugin<CookiesMembers>({
    manifest,
    setup(ctx) {
      const jar = new CookieJar();
      let persistence: CookiePersistence | null = null;
      let loading: Promise<void> | null = null;
      // The public suffix list (public_suffix.ts) loads on first use: with the stored cookies of
      // a persistent partition, else with the first request or the first ses.cookies call.
      if (ctx.session.isPersistent()) {
        persistence = new CookiePersistence(jar, ctx.store, {
          restoreSessionCookies: options.restoreSessionCookies,
          batchDelay: options.batchDelay,
          onError: (error) => ctx.report(error, "store"),
        });
        loading = loadPublicSuffixList().then(() => persistence!.load()).then(() => {});
        ctx.onFlush(() => persistence!.flush());
        ctx.onTeardown(() => persistence!.close());
      }
      const cookies = new Cookies(jar, persistence, loading ?? loadPublicSuffixList);
      // ses.clearStorageData() / clearData(): the cookies asked for go (with `changed` events),
      // and the deletions reach the store before the kernel empties it.
      ctx.onClearStorage(async (clearing) => {
        if (!clearing.includes("cookies")) return;
        await loadPublicSuffixList();
        if (clearing.origins === null && clearing.excludeOrigins === null) jar.clear();
        else {
          for (const cookie of jar.all({ includeExpired: true })) {
            if (clearsCookie(clearing, cookie.domain)) jar.delete(cookie, "explicit");
          }
        }
        await persistence?.flush();
      }, "cookies");

      if (!publicSuffixListLoaded()) {
        // The first request waits for the list (then this tap goes): the Cookie and Set-Cookie
        // taps below are synchronous, and run after beforeRequest.
        const untap: () => void = ctx.tap("beforeRequest", (): void | Promise<void> => {
          if (publicSuffixListLoaded()) return untap();
          return loadPublicSuffixList().then(() => untap());
        }, { order: "pre", label: "public suffix list" });
      }

      // The Cookie header is written into the request's headers in place, before any other tap
      // of the stage runs (order "pre"): like Chromium's network stack, which adds it before
      // webRequest's onBeforeSendHeaders listeners see the headers. A Cookie header the caller
      // set stays first; the jar's cookies follow, recomputed on every hop.
      ctx.tap("beforeSendHeaders", (request) => {
        const data = request.data;
        // An empty jar adds nothing, and the tap has written nothing to this request's headers on
        // an earlier hop (which it would have to take back): nothing to do, and nothing read.
        if (jar.size === 0 && !data.has(CALLER_COOKIE)) return;
        if (!usesCookies(request)) return;
        let own = data.get(CALLER_COOKIE) as string | null | undefined;
        if (own === undefined) {
          own = request.headers.get("cookie");
          data.set(CALLER_COOKIE, own);
        }
        const hop = hopOf(request);
        const line = jar.cookieHeader(hop.parts, hop.access);
        const value = line === ""
          ? own
          : own
          ? `${own}; ${toByteString(line)}`
          : toByteString(line);
        if (value === null) {
          if (request.headers.has("cookie")) request.headers.delete("cookie");
        } else request.headers.set("cookie", value);
      }, { order: "pre" });

      // Set-Cookie is stored from the response as the headersReceived answers left it, and not
      // when they cancel ("settled"): Chromium's URLRequestHttpJob saves cookies only after the
      // network delegate (webRequest, declarativeNetRequest) answered, from its headers.
      ctx.tap("headersReceived", (request, response) => {
        if (!usesCookies(request)) return;
        const lines = response.headers.getSetCookie();
        if (lines.length === 0) return;
        const hop = hopOf(request);
        for (const line of lines) jar.setCookie(fromByteString(line), hop.parts, hop.access);
      }, { order: "settled" });

      ctx.provide({ cookies });
      // Requests wait for the stored cookies (the session's `ready`); the API waits by itself.
      return loading ?? undefined;
    },
  });
}

/**
 * Whether a clearing reaches a cookie of `domain`: `clearStorageData({ origin })` takes the
 * cookies the origin's host would be sent (domain-match), `clearData({ origins })` those of the
 * origins' registrable domains (Electron's note), `excludeOrigins` keeps them.
 */
function clearsCookie(clearing: StorageClearing, domain: string): boolean {
  const hostOf = (origin: string) => new URL(origin).hostname.replace(/^\[|\]$/g, "");
  const reaches = (origin: string) => {
    const host = hostOf(origin);
    if (!clearing.siteLevel) return domainMatch(host, domain);
    const site = registrableDomain(host);
    return registrableDomain(domain) === site;
  };
  if (clearing.origins !== null) return clearing.origins.some(reaches);
  if (clearing.excludeOrigins !== null) return !clearing.excludeOrigins.some(reaches);
  return true;
}

/**
 * The cookies plugin with its defaults (session cookies are not restored after a restart).
 *
 * @example
 * ```ts
 * cookiesPlugin.manifest.provides; // ["cookies"]
 * ```
 */
export const cookiesPlugin: Plugin<CookiesMembers> = createCookiesPlugin();
