/**
 * Sites and the same-site context of a request (schemeful, as Chromium computes it): which
 * SameSite cookies a request may carry and set, and the partition key of CHIPS cookies.
 *
 * @module
 */
import { registrableDomain } from "./domain_match.ts";
import type { CookieUrl } from "./cookie_url.ts";

/**
 * Cross-site: only `SameSite=None` cookies.
 *
 * @example
 * ```ts
 * CONTEXT_CROSS_SITE; // 0
 * ```
 */
export const CONTEXT_CROSS_SITE = 0;
/**
 * Cross-site top-level navigation with a safe method: Lax cookies too.
 *
 * @example
 * ```ts
 * CONTEXT_LAX; // 1
 * ```
 */
export const CONTEXT_LAX = 1;
/**
 * Cross-site top-level navigation with an unsafe method (Lax-by-default cookies under 2 minutes).
 *
 * @example
 * ```ts
 * CONTEXT_LAX_METHOD_UNSAFE; // 2
 * ```
 */
export const CONTEXT_LAX_METHOD_UNSAFE = 2;
/**
 * Same-site (or browser-initiated): every cookie.
 *
 * @example
 * ```ts
 * CONTEXT_STRICT; // 3
 * ```
 */
export const CONTEXT_STRICT = 3;

/** How a request reaches the cookie jar: who started it and in what frame. */
export interface CookieAccess {
  /**
   * The origin (or URL) that initiated the request; absent or null for a browser-initiated request,
   * which Chromium treats as same-site. `"null"` is an opaque origin (cross-site to everything).
   */
  initiator?: string | null;
  /** Whether the request is a top-level navigation (resource type `mainFrame`). */
  topLevelNavigation?: boolean;
  /** The request method (for Lax on top-level navigations); GET when absent. */
  method?: string;
  /** HTTP access (default true): HttpOnly cookies are visible and may be set. */
  httpOnly?: boolean;
  /**
   * The top-level site partitioned cookies are keyed by; by default the initiator's site, or the
   * URL's own site for a top-level navigation or a request without initiator.
   */
  partitionKey?: string | null;
}

const siteCache = new Map<string, string>();

function normaliseScheme(scheme: string): string {
  return scheme === "wss" ? "https" : scheme === "ws" ? "http" : scheme;
}

/**
 * The schemeful site of a URL's parts: `scheme://registrable-domain`.
 *
 * @example
 * ```ts
 * siteOfParts("https", "a.example.org"); // "https://example.org"
 * ```
 */
export function siteOfParts(scheme: string, host: string): string {
  return `${normaliseScheme(scheme)}://${registrableDomain(host)}`;
}

/**
 * The schemeful site of an origin or URL string, `"null"` for an opaque or unparsable one.
 *
 * @example
 * ```ts
 * siteOf("https://www.example.org:8443/x"); // "https://example.org"
 * ```
 */
export function siteOf(origin: string): string {
  let site = siteCache.get(origin);
  if (site !== undefined) return site;
  try {
    const u = new URL(origin);
    site = u.hostname ? siteOfParts(u.protocol.slice(0, -1), u.hostname) : "null";
  } catch {
    site = "null";
  }
  if (siteCache.size > 5000) siteCache.clear();
  siteCache.set(origin, site);
  return site;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/**
 * The same-site context of a request to `url` (one of the `CONTEXT_*` levels).
 *
 * @example
 * ```ts
 * import { parseCookieUrl } from "./cookie_url.ts";
 * sameSiteContext(parseCookieUrl("https://a.example/"), { initiator: "https://b.example" }); // 0
 * ```
 */
export function sameSiteContext(url: CookieUrl, access: CookieAccess | undefined): number {
  const initiator = access?.initiator;
  if (initiator === undefined || initiator === null) return CONTEXT_STRICT;
  if (siteOf(initiator) === siteOfParts(url.scheme, url.host)) return CONTEXT_STRICT;
  if (access?.topLevelNavigation) {
    return SAFE_METHODS.has((access.method ?? "GET").toUpperCase())
      ? CONTEXT_LAX
      : CONTEXT_LAX_METHOD_UNSAFE;
  }
  return CONTEXT_CROSS_SITE;
}

/**
 * The partition key (top-level site) for partitioned cookies of a request.
 *
 * @example
 * ```ts
 * import { parseCookieUrl } from "./cookie_url.ts";
 * partitionKeyFor(parseCookieUrl("https://a.example/"), undefined); // "https://a.example"
 * ```
 */
export function partitionKeyFor(url: CookieUrl, access: CookieAccess | undefined): string {
  if (access?.partitionKey) return access.partitionKey;
  if (!access?.topLevelNavigation && access?.initiator) {
    const site = siteOf(access.initiator);
    if (site !== "null") return site;
  }
  return siteOfParts(url.scheme, url.host);
}
