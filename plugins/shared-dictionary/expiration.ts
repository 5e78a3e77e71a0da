/**
 * How long a dictionary stays usable, as Chromium computes it: the response's freshness lifetime
 * plus its `stale-while-revalidate` (none with `must-revalidate`), less its age when received.
 * Freshness (max-age, Expires, the heuristic on Last-Modified, none for `no-store`/`no-cache`)
 * comes from http-cache-semantics as a private cache reads it; loaded with the first dictionary.
 *
 * @module
 */
import CachePolicy from "http-cache-semantics";

/**
 * The expiration in milliseconds after `responseTime` of a dictionary in `response` (of a GET of
 * `url`); zero or less means it is not stored.
 *
 * @example
 * ```ts
 * const response = new Response("d", { headers: { "cache-control": "max-age=60" } });
 * dictionaryExpiration("https://example.org/d", response, Date.now()); // 60000
 * ```
 */
export function dictionaryExpiration(
  url: string,
  response: Response,
  responseTime: number,
): number {
  const headers = Object.fromEntries(response.headers);
  const policy = new CachePolicy(
    { url, method: "GET", headers: {} },
    { status: response.status, headers },
    { shared: false },
  );
  const control = (headers["cache-control"] ?? "").toLowerCase();
  const swr = /(?:^|,)\s*stale-while-revalidate\s*=\s*"?(\d+)/.exec(control);
  const staleness = swr && !/(?:^|,)\s*must-revalidate\b/.test(control) ? Number(swr[1]) : 0;
  const date = Date.parse(headers["date"] ?? "");
  const apparentAge = Number.isNaN(date) ? 0 : Math.max(0, (responseTime - date) / 1000);
  const age = Math.max(policy.age(), apparentAge);
  return Math.round((policy.maxAge() + staleness - age) * 1000);
}
