/**
 * `IncomingMessage.headers` as Electron (and Node) shape it: lower-case names; duplicates of the
 * "discardable" headers dropped (the first stays); `set-cookie` always an array; repeated `cookie`
 * joined with `; `; every other repeated header joined with `, ` (as fetch's `Headers` joined them).
 *
 * @module
 */

/** Node's and Electron's headers whose duplicates are discarded. */
const DISCARDABLE: ReadonlySet<string> = new Set(
  ("age authorization content-length content-type etag expires from host if-modified-since " +
    "if-unmodified-since last-modified location max-forwards proxy-authorization referer " +
    "retry-after server user-agent").split(" "),
);

// An HTTP date has a comma of its own ("Wed, 21 Oct 2015 07:28:00 GMT").
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT/;

function first(name: string, joined: string): string {
  if (!joined.includes(", ")) return joined;
  const date = HTTP_DATE.exec(joined);
  if (date) return date[0];
  // content-type parameters and the like hold no ", ": the first value ends there.
  return name === "authorization" || name === "proxy-authorization"
    ? joined
    : joined.slice(0, joined.indexOf(", "));
}

/**
 * Electron's `IncomingMessage.headers` from fetch `Headers`.
 *
 * @example
 * ```ts
 * const headers = new Headers([["content-type", "a"], ["content-type", "b"], ["x-a", "1"], ["x-a", "2"]]);
 * electronHeaders(headers); // { "content-type": "a", "x-a": "1, 2" }
 * ```
 */
export function electronHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    out[name] = DISCARDABLE.has(name) ? first(name, value) : name === "cookie"
      // Node's rule for repeated Cookie lines; fetch joined them with ", " (no cookie holds one).
      ? value.split(", ").join("; ")
      : value;
  }
  const cookies = headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  return out;
}
