/**
 * What a partition's cookies can and cannot do in a browser: the facts behind the browser
 * bundle's cookie choice, as data a page can read.
 *
 * @module
 */

/** The shape of {@linkcode pageCookies}. */
export interface PageCookies {
  /**
   * Each partition keeps its own jar in the page (`ses.cookies` sets, gets, removes; it
   * persists where the partition does), and webRequest listeners and the pipeline see the jar's
   * `Cookie` header.
   */
  readonly ownJar: true;
  /**
   * The browser's own cookie store is used by a partition's requests: never, they are sent with
   * `credentials: "omit"`, so the page's cookies do not leak into a partition and a response
   * does not write them.
   */
  readonly browserStore: false;
  /**
   * The jar's `Cookie` header reaches the network: never, `Cookie` is a forbidden request header
   * and `fetch` drops it.
   */
  readonly cookieHeaderSent: false;
  /**
   * `Set-Cookie` of a network response is read into the jar: never, `fetch` hides it from
   * scripts (a forbidden response header name).
   */
  readonly setCookieRead: false;
}

/**
 * What a partition's cookies can and cannot do in a page or a service worker (see
 * {@linkcode PageCookies}).
 *
 * @example
 * ```ts
 * if (!pageCookies.cookieHeaderSent) console.log("Log in with a token header, not a cookie");
 * ```
 */
export const pageCookies: PageCookies = Object.freeze({
  ownJar: true,
  browserStore: false,
  cookieHeaderSent: false,
  setCookieRead: false,
});
