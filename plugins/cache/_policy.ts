/**
 * The freshness and validation decisions, made by http-cache-semantics (RFC 9111, private cache),
 * with the request's and response's shapes it expects.
 *
 * @module
 */
import CachePolicy from "http-cache-semantics";
import type { PipelineRequest } from "../../kernel/request.ts";
import { type CacheRequestFields, cacheRequestFields } from "./_request_fields.ts";

/** The options of every policy: a private (browser) cache, Chromium's 10% heuristic. */
const POLICY_OPTIONS: CachePolicy.Options = { shared: false, cacheHeuristic: 0.1 };

/** The authority of an absolute URL (`host[:port]`), without parsing the whole URL. */
function hostOf(url: string): string {
  const start = url.indexOf("//") + 2;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
    end++;
  }
  const authority = url.slice(start, end);
  const at = authority.lastIndexOf("@");
  return (at >= 0 ? authority.slice(at + 1) : authority).toLowerCase();
}

/** Headers as the library reads them, plus `host` (it compares it). */
function plainHeaders(headers: Headers, url: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) if (name !== "set-cookie") out[name] = value;
  if (out.host === undefined) out.host = hostOf(url);
  return out;
}

/** The library's view of a request (HEAD is asked as GET: it reuses the GET's entry). */
export function policyRequest(request: PipelineRequest): CachePolicy.HttpRequest {
  return {
    url: request.url,
    method: request.method === "HEAD" ? "GET" : request.method,
    headers: plainHeaders(request.headers, request.url),
  };
}

/** HTTP-date's three forms (RFC 9110 5.6.7): IMF-fixdate, RFC 850, asctime. */
const HTTP_DATE = new RegExp(
  "^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT" +
    "|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-[A-Z][a-z]{2}-\\d{2} " +
    "\\d{2}:\\d{2}:\\d{2} GMT" +
    "|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4})$",
);

/**
 * A response's fields as one record (every field but `Set-Cookie`, which a cache does not keep),
 * read once: the stored headers and the library's view of the response are both made from it.
 */
export function responseFields(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  // forEach, not for...of: Deno's Headers iterator made an object per field (0.4-0.7 µs for three
  // fields against 0.06-0.15 µs, a microbenchmark on Deno 2, Dec 2026), on every stored response.
  headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  return out;
}

/**
 * The library's view of a response, with what RFC 9111 says about malformed fields applied first
 * (the library reads them leniently): an `Expires` that is not an HTTP-date means "already
 * expired" (5.3), an `Age` that is not a whole number is ignored (5.1), and `Cache-Control`
 * directive names are case-insensitive (5.2). `fields` is not changed.
 */
export function policyResponse(
  status: number,
  fields: Record<string, string>,
): CachePolicy.HttpResponse {
  const headers = { ...fields };
  if (headers.expires !== undefined && !HTTP_DATE.test(headers.expires.trim())) {
    headers.expires = "Thu, 01 Jan 1970 00:00:00 GMT";
  }
  if (headers.age !== undefined) {
    // A list (two Age lines) counts by its first member.
    const first = headers.age.split(",")[0].trim();
    if (/^\d+$/.test(first)) headers.age = first;
    else delete headers.age;
  }
  if (headers["cache-control"] !== undefined) {
    headers["cache-control"] = headers["cache-control"].replace(
      /(^|,)(\s*)([^=,]+)/g,
      (_m, sep: string, space: string, name: string) => `${sep}${space}${name.toLowerCase()}`,
    );
  }
  return { status, headers };
}

/**
 * A new policy for a response to `request` (`fields`: its {@linkcode responseFields}, when the
 * caller has them already).
 *
 * @example
 * ```ts
 * // const policy = newPolicy(request, response); policy.storable();
 * ```
 */
export function newPolicy(
  request: PipelineRequest,
  response: Response,
  fields: Record<string, string> = responseFields(response.headers),
): CachePolicy {
  return new CachePolicy(
    policyRequest(request),
    policyResponse(response.status, fields),
    POLICY_OPTIONS,
  );
}

/** Statuses the library stores with no caching field at all (understood, cacheable by default). */
const STORED_BY_DEFAULT = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

/**
 * Whether a GET's response is one the library would store as stale on arrival and without a
 * validator, told from the fields alone: a status stored by default, and none of `Cache-Control`,
 * `Expires`, `Last-Modified`, `ETag` or `Vary` in the response nor `Cache-Control` or `Pragma` in
 * the request. Most responses of APIs and of local servers are such. For them the policy is made
 * only when something asks for it ({@linkcode lazyPolicy}). Hand-written where the library
 * decides, because making the policy for every response cost about a tenth of a request through
 * the cache (CPU profile of `ses.fetch` through the cache plugin, 16 in flight, 2026-12-07: the
 * policy, its object and its time to live 5-6% of the busy time). `test/plugins/cache/` holds it
 * to the library's answer.
 *
 * @example
 * ```ts
 * // plainlyVolatile(request, 200, { "content-type": "text/plain" }); // true for a GET
 * ```
 */
export function plainlyVolatile(
  request: PipelineRequest,
  status: number,
  fields: Record<string, string>,
  own: CacheRequestFields = cacheRequestFields(request.headers),
): boolean {
  if (request.method !== "GET" || !STORED_BY_DEFAULT.has(status)) return false;
  if (
    fields["cache-control"] !== undefined || fields.expires !== undefined ||
    fields["last-modified"] !== undefined || fields.etag !== undefined || fields.vary !== undefined
  ) return false;
  return own.cacheControl === null && own.pragma === null;
}

/**
 * The policy object of a {@linkcode plainlyVolatile} response, made when first called and the
 * same as `newPolicy(...).toObject()` would have been at the response's arrival: the request's
 * parts the library keeps without `Vary` (URL, host, whether it had `Authorization`) are read now,
 * the rest later.
 *
 * @example
 * ```ts
 * // const policy = lazyPolicy(request, 200, fields); policy().st; // 200
 * ```
 */
export function lazyPolicy(
  request: PipelineRequest,
  status: number,
  fields: Record<string, string>,
  own: CacheRequestFields = cacheRequestFields(request.headers),
): () => CachePolicy.CachePolicyObject {
  const url = request.url;
  const { host, authorization } = own;
  const arrived = Date.now();
  let made: CachePolicy.CachePolicyObject | undefined;
  return () => {
    if (made !== undefined) return made;
    // the URL's authority only now: most such entries are never asked for their policy
    const headers: Record<string, string> = { host: host ?? hostOf(url) };
    if (authorization !== null) headers.authorization = authorization;
    return made = {
      ...new CachePolicy({ url, method: "GET", headers }, policyResponse(status, fields), {
        ...POLICY_OPTIONS,
      }).toObject(),
      t: arrived,
    };
  };
}

/**
 * What to do with a stored response for a request: serve it (`serve`, with the headers to use),
 * serve it and revalidate in the background (`serve` and `revalidate`), or revalidate first
 * (`revalidate` only, with the conditional headers).
 */
export interface Evaluation {
  /** The headers to answer with when the stored response may be used now. */
  serve: Record<string, string> | null;
  /** The headers of the conditional request to send (now, or in the background when serving). */
  revalidate: Record<string, string> | null;
}

function headerRecord(headers: CachePolicy.Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/**
 * Evaluates a stored policy for a request. http-cache-semantics treats `must-revalidate` as "always
 * revalidate", where RFC 9111 (5.2.2.2) only forbids serving the response once it is stale: a
 * fresh response is evaluated without the directive, a stale one with it.
 *
 * @example
 * ```ts
 * // const { serve, revalidate } = evaluate(policyObject, request);
 * ```
 */
export function evaluate(
  stored: CachePolicy.CachePolicyObject,
  request: PipelineRequest,
  live?: CachePolicy,
): Evaluation {
  let policy = live ?? CachePolicy.fromObject(stored);
  if (stored.rescc["must-revalidate"] !== undefined && !policy.stale()) {
    const rescc = { ...stored.rescc };
    delete rescc["must-revalidate"];
    policy = CachePolicy.fromObject({ ...stored, rescc });
  }
  const result = policy.evaluateRequest(policyRequest(request));
  return {
    serve: result.response ? withStoredDate(headerRecord(result.response.headers), stored) : null,
    revalidate: result.revalidation ? headerRecord(result.revalidation.headers) : null,
  };
}

/**
 * The policy after a revalidation's answer: whether the stored body may be used (`modified`
 * false, a 304) and the updated policy.
 *
 * @example
 * ```ts
 * // const { policy, modified } = revalidated(stored, conditionalRequest, response);
 * ```
 */
export function revalidated(
  stored: CachePolicy.CachePolicyObject,
  request: PipelineRequest,
  response: Response,
): { policy: CachePolicy; modified: boolean } {
  const policy = CachePolicy.fromObject(stored);
  const result = policy.revalidatedPolicy(
    policyRequest(request),
    policyResponse(response.status, responseFields(response.headers)),
  );
  return { policy: result.policy, modified: result.modified };
}

/** The response headers of a policy (hop-by-hop removed, `Age` updated). */
export function policyHeaders(policy: CachePolicy): Record<string, string> {
  return withStoredDate(headerRecord(policy.responseHeaders()), policy.toObject());
}

/**
 * The stored `Date` put back: the library's `responseHeaders()` sets it to now (a proxy's view),
 * where a cache must not change it (RFC 9110 6.6.1; cache-tests `other-date-update`).
 */
export function withStoredDate(
  headers: Record<string, string>,
  stored: CachePolicy.CachePolicyObject,
): Record<string, string> {
  const date = stored.resh.date;
  if (typeof date === "string") headers.date = date;
  else delete headers.date;
  return headers;
}
