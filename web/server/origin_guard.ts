/**
 * The dashboard's and API's defence against other sites: a request whose `Host` is not the
 * server's own address (DNS rebinding) or whose `Origin` is another site's is refused, and the
 * sign-in cookie is `HttpOnly; SameSite=Strict`.
 *
 * @module
 */

/**
 * Whether a request to the dashboard or the API comes from the server's own origin: its `Host` is
 * one of `hosts` (e.g. `127.0.0.1:8787`, `localhost:8787`) and its `Origin`, when sent, is
 * `http://` one of them.
 *
 * @example
 * ```ts
 * const hosts = new Set(["127.0.0.1:8787"]);
 * sameServer("127.0.0.1:8787", undefined, hosts); // true
 * sameServer("evil.example:8787", undefined, hosts); // false
 * sameServer("127.0.0.1:8787", "https://evil.example", hosts); // false
 * ```
 */
export function sameServer(
  host: string | undefined,
  origin: string | undefined,
  hosts: ReadonlySet<string>,
): boolean {
  if (!host || !hosts.has(host.toLowerCase())) return false;
  if (origin === undefined) return true;
  return origin.startsWith("http://") && hosts.has(origin.slice(7).toLowerCase());
}

/** The name of the dashboard's sign-in cookie. */
export const SIGNIN_COOKIE = "websession_token";

/**
 * The token in a request's `Cookie` header, or "".
 *
 * @example
 * ```ts
 * tokenFromCookie("a=1; websession_token=abc"); // "abc"
 * ```
 */
export function tokenFromCookie(header: string | undefined): string {
  for (const pair of (header ?? "").split(/;\s*/)) {
    if (pair.startsWith(`${SIGNIN_COOKIE}=`)) return pair.slice(SIGNIN_COOKIE.length + 1);
  }
  return "";
}
