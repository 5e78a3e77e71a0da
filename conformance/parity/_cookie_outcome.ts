/**
 * What a cookie case comes to, in one comparable form for Chromium and websession: the cookies
 * stored (one line each, sorted) and the `Cookie` header of the last navigation.
 *
 * @module
 */

/** The outcome of one case. */
export interface CookieOutcome {
  /** `name=value; domain; path; flags; samesite; expiry` per stored cookie, sorted. */
  cookies: string[];
  /** The `Cookie` header the read navigation sent (null: none). */
  header: string | null;
}

/** One stored cookie, in the fields both sides give. */
export interface StoredCookie {
  name: string;
  value: string;
  /** Leading dot for a domain cookie, none for a host-only one (Chromium's spelling). */
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** `Strict`, `Lax`, `None` or `Unspecified`. */
  sameSite: string;
  /** Seconds since the epoch; undefined for a session cookie. */
  expires?: number;
}

/** The expiry as minutes from `now` (ms), or `session`. */
function expiry(expires: number | undefined, now: number): string {
  if (expires === undefined) return "session";
  return `${Math.round((expires * 1000 - now) / 60000)}min`;
}

/** The comparable line of a stored cookie. */
export function cookieLine(c: StoredCookie, now: number): string {
  const flags = `${c.secure ? "secure" : "-"} ${c.httpOnly ? "httponly" : "-"}`;
  return `${JSON.stringify(c.name)}=${
    JSON.stringify(c.value)
  }; ${c.domain}; ${c.path}; ${flags}; ` +
    `${c.sameSite}; ${expiry(c.expires, now)}`;
}

/** The outcome from stored cookies and the header. */
export function outcome(stored: StoredCookie[], header: string | null, now: number): CookieOutcome {
  return { cookies: stored.map((c) => cookieLine(c, now)).sort(), header };
}
