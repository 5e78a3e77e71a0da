/**
 * `chrome.cookies.*` calls of a background, answered with the session's cookies (`ses.cookies`)
 * within the extension's host permissions, in Chrome's shapes (`storeId` "0").
 *
 * @module
 */
import type { HostAccess } from "./host_access.ts";
import { checkCookiesCall } from "./_cookies_arguments.ts";
import {
  type ChromePartitionKey,
  inPartition,
  partitionChoice,
  toChromeCookie,
  withinSite,
} from "./_cookie_partition.ts";

// The cookies plugin's HTTP_ONLY_ACCESS (a registered symbol: no import of that plugin).
const HTTP_ONLY_ACCESS = Symbol.for("websession.cookies.httpOnlyAccess");

/** The part of `ses.cookies` the extensions use. */
export interface SessionCookies {
  get(filter: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  set(details: Record<string, unknown>): Promise<void>;
  remove(url: string, name: string, options?: { partitionKey?: string }): Promise<void>;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event: string, fn: (...args: unknown[]) => void): void;
}

/**
 * Whether the extension's host permissions cover a cookie's domain.
 *
 * @example
 * ```ts ignore
 * coversCookie(access, { domain: ".example.com" });
 * ```
 */
export function coversCookie(access: HostAccess, c: { domain: string }): boolean {
  const host = c.domain.replace(/^\./, "");
  return access.covers(`https://${host}/`) || access.covers(`http://${host}/`);
}

/**
 * Chrome's `getAll({ domain })` test: the cookie's domain is the filter's or a subdomain of it,
 * whole labels, a leading dot on either side ignored (a parent domain's cookie does not match).
 *
 * @example
 * ```ts
 * isDomainOrSubdomain("a.example.com", "example.com"); // true
 * isDomainOrSubdomain(".example.com", "a.example.com"); // false
 * ```
 */
export function isDomainOrSubdomain(cookieDomain: string, filter: string): boolean {
  const want = filter.startsWith(".") ? filter.slice(1) : filter;
  const have = cookieDomain.startsWith(".") ? cookieDomain.slice(1) : cookieDomain;
  return have === want || have.endsWith(`.${want}`);
}

/**
 * Answers one `cookies` call (`op` is the method's name).
 *
 * @example
 * ```ts ignore
 * await cookiesCall(ses.cookies, access, "getAll", [{}]);
 * ```
 */
export async function cookiesCall(
  cookies: SessionCookies | undefined,
  access: HostAccess,
  op: string,
  args: unknown[],
): Promise<unknown> {
  if (!cookies) throw new Error("This session has no cookies plugin");
  // the Worker threw these at the call; checked again for a call posted around its bindings
  const d = checkCookiesCall(op, args);
  const key = d.partitionKey as ChromePartitionKey | undefined;
  const choice = partitionChoice(key, op);
  const inChoice = (c: Record<string, unknown>) =>
    inPartition(c as { domain: string; partitionKey?: string }, choice, key);
  // Chrome's words for an unknown store, a bad url and a refused cookie (its cookies API).
  if (d.storeId !== undefined && d.storeId !== "0") {
    throw new Error(`Invalid cookie store id: "${String(d.storeId)}".`);
  }
  const needUrl = () => {
    const url = d.url as string; // a string: the schema checked it, required by get, set, remove
    if (!URL.canParse(url)) throw new Error(`Invalid url: "${url}".`);
    if (!access.covers(url)) throw new Error(`No host permissions for cookies at url: "${url}".`);
    return url;
  };
  switch (op) {
    case "get": {
      const url = needUrl();
      const found = (await cookies.get({ url, name: d.name as string })).filter(inChoice);
      return found.length ? toChromeCookie(found[0]) : null;
    }
    case "getAll": {
      if (d.url !== undefined) needUrl();
      // Chrome's domain filter is not Electron's: read here, not by `ses.cookies.get`.
      const { storeId: _s, domain, partitionKey: _p, ...filter } = d;
      const found = await cookies.get(filter) as Array<{ domain: string }>;
      return found.filter((c) =>
        coversCookie(access, c) && inChoice(c) &&
        (domain === undefined || isDomainOrSubdomain(c.domain, domain as string))
      ).map(toChromeCookie);
    }
    case "set": {
      const url = needUrl();
      const { storeId: _s, partitionKey: _p, ...details } = d;
      if (!choice.all && choice.site !== "") checkCrossSiteAncestor(url, choice.site, key);
      // Chrome's default is no SameSite attribute ("unspecified"); Electron's set() defaults to lax
      try {
        // Chrome's cookies API sets with HttpOnly access (it may replace an HttpOnly cookie)
        await cookies.set({
          ...details,
          ...(!choice.all && choice.site !== "" ? { partitionKey: choice.site } : {}),
          sameSite: details.sameSite ?? "unspecified",
          [HTTP_ONLY_ACCESS]: true,
        });
      } catch (error) {
        // ses.cookies.set's reason stays as the cause
        throw new Error(`Failed to parse or set cookie named "${String(d.name ?? "")}".`, {
          cause: error,
        });
      }
      const found = (await cookies.get({ url, name: d.name ?? "" })).filter(inChoice);
      // a cookie set but not there (expired at once): Chrome answers with no argument
      return found.length ? toChromeCookie(found[0]) : undefined;
    }
    case "remove": {
      const url = needUrl();
      const name = d.name as string;
      await cookies.remove(url, name, { partitionKey: choice.all ? "" : choice.site });
      return !choice.all && choice.site !== ""
        ? { url, name, storeId: "0", partitionKey: key }
        : { url, name, storeId: "0" };
    }
    case "getAllCookieStores":
      return [{ id: "0", tabIds: [] }];
  }
  throw new Error(`cookies.${op} is not supported by websession`);
}

/**
 * Hands `notify` Chrome's `cookies.onChanged` details for each change of the session's cookies
 * that the host permissions cover; returns the function that stops listening.
 *
 * @example
 * ```ts ignore
 * const stop = watchCookieChanges(ses.cookies, access, (details) => console.log(details.cause));
 * stop();
 * ```
 */
export function watchCookieChanges(
  cookies: SessionCookies,
  access: HostAccess,
  notify: (details: { cookie: unknown; cause: string; removed: unknown }) => void,
): () => void {
  const onChanged = (_event: unknown, cookie: unknown, cause: unknown, removed: unknown) => {
    const c = cookie as { domain: string; secure: boolean };
    if (!coversCookie(access, c)) return;
    notify({ cookie: toChromeCookie(c), cause: chromeCookieCause(String(cause)), removed });
  };
  cookies.on("changed", onChanged);
  return () => cookies.off("changed", onChanged);
}

/**
 * Chrome's `cookies.OnChangedCause` for the cause of a session's `changed` event: the insertions
 * Electron 41 tells apart (`inserted`, `inserted-no-change-overwrite`, ...) are all `explicit` to an
 * extension, as in Chromium's cookies API; `expired-overwrite` is `expired_overwrite`.
 */
function chromeCookieCause(cause: string): string {
  return cause.startsWith("inserted") ? "explicit" : cause.replaceAll("-", "_");
}

/**
 * Chrome's check of a `set` key's `hasCrossSiteAncestor` against the URL: false needs the URL to
 * be first party to the top-level site. websession derives the bit from the sites, so a true bit
 * for a first-party URL (a frame tree it does not keep) is refused rather than dropped.
 */
function checkCrossSiteAncestor(url: string, site: string, key: ChromePartitionKey | undefined) {
  const firstParty = withinSite(site, new URL(url).hostname);
  if (key?.hasCrossSiteAncestor === false && !firstParty) {
    throw new Error(
      "partitionKey has a first party value for hasCrossSiteAncestor when the url and the " +
        "topLevelSite are not first party.",
    );
  }
  if (key?.hasCrossSiteAncestor === true && firstParty) {
    throw new Error(
      "websession cannot set a cookie with hasCrossSiteAncestor true for a url first party to " +
        "the topLevelSite (it keeps no frame tree; the bit is derived from the sites).",
    );
  }
}
