/**
 * Chrome's `extraHeaders`: a listener of `chrome.webRequest` that did not ask for it neither sees
 * nor changes some headers (Chromium's `ShouldHideRequestHeader` / `ShouldHideResponseHeader`):
 * `Accept-Encoding`, `Accept-Language`, `Cookie`, `Origin` and `Referer` of the request, and
 * `Set-Cookie` of the response. Electron's `ses.webRequest` has no such option and shows them all.
 *
 * @module
 */

/** The request headers shown only with `extraHeaders` (lower case). */
const HIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  "accept-encoding",
  "accept-language",
  "cookie",
  "origin",
  "referer",
]);

/**
 * Whether a request header is out of view of a listener without `extraHeaders`.
 *
 * @example
 * ```ts
 * hiddenRequestHeader("Cookie"); // true
 * hiddenRequestHeader("user-agent"); // false
 * ```
 */
export function hiddenRequestHeader(name: string): boolean {
  return HIDDEN_REQUEST_HEADERS.has(name.toLowerCase());
}

/**
 * A request header answer of a listener without `extraHeaders`: what it said of the hidden headers
 * is dropped, and the request's own hidden headers come back unchanged.
 *
 * @example
 * ```ts
 * const answer = keepHiddenRequestHeaders(
 *   new Headers({ "x-a": "1", cookie: "evil=1" }),
 *   new Headers({ cookie: "c=3" }),
 * );
 * answer.get("cookie"); // "c=3"
 * ```
 */
export function keepHiddenRequestHeaders(answer: Headers, sent: Headers): Headers {
  for (const name of HIDDEN_REQUEST_HEADERS) {
    answer.delete(name);
    const value = sent.get(name);
    if (value !== null) answer.set(name, value);
  }
  return answer;
}

/**
 * A response header answer of a listener without `extraHeaders`: its `Set-Cookie` lines are
 * dropped and the response's own come back.
 *
 * @example
 * ```ts
 * const received = new Headers([["set-cookie", "a=1"]]);
 * keepHiddenResponseHeaders(new Headers({ "x-a": "1" }), received).getSetCookie(); // ["a=1"]
 * ```
 */
export function keepHiddenResponseHeaders(answer: Headers, received: Headers): Headers {
  answer.delete("set-cookie");
  for (const cookie of received.getSetCookie()) answer.append("set-cookie", cookie);
  return answer;
}
