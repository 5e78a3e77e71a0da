/**
 * The request fields the cache decides by, read in one pass over a request's headers: every
 * `headers.get()`/`has()` of Deno's Headers checks and lower-cases the name and scans the list,
 * and a miss asked about ten of them (Cache-Control, Pragma, Range, four conditional fields, Host,
 * Authorization); one `forEach` over the one or two fields a request usually has costs less than
 * one of them (CPU profile of `ses.fetch` through the default preset, Dec 2026).
 *
 * @module
 */

/** What the cache reads of a request's headers (values as `Headers.get` gives them). */
export interface CacheRequestFields {
  /** `Cache-Control`, or null. */
  readonly cacheControl: string | null;
  /** `Pragma`, or null. */
  readonly pragma: string | null;
  /** `Range`, or null. */
  readonly range: string | null;
  /** Whether one of `If-None-Match`, `If-Modified-Since`, `If-Match`, `If-Unmodified-Since` is set. */
  readonly conditional: boolean;
  /** `Host`, or null. */
  readonly host: string | null;
  /** `Authorization`, or null. */
  readonly authorization: string | null;
}

type Writable = { -readonly [K in keyof CacheRequestFields]: CacheRequestFields[K] };

const NONE: CacheRequestFields = Object.freeze({
  cacheControl: null,
  pragma: null,
  range: null,
  conditional: false,
  host: null,
  authorization: null,
});

/** The fields kept by value, by header name. */
const FIELD_OF: ReadonlyMap<string, Exclude<keyof Writable, "conditional">> = new Map([
  ["cache-control", "cacheControl"],
  ["pragma", "pragma"],
  ["range", "range"],
  ["host", "host"],
  ["authorization", "authorization"],
]);
const CONDITIONAL: ReadonlySet<string> = new Set([
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
]);

/**
 * The cache's fields of a request's headers.
 *
 * @example
 * ```ts
 * const own = cacheRequestFields(new Headers({ range: "bytes=0-1", "if-match": '"a"' }));
 * own.range; // "bytes=0-1"
 * own.conditional; // true
 * ```
 */
export function cacheRequestFields(headers: Headers): CacheRequestFields {
  // A request that never had a header (ses.fetch without headers) needs no pass.
  if ((headers as { mayHaveEntries?: boolean }).mayHaveEntries === false) return NONE;
  const found: { out: Writable | null } = { out: null };
  headers.forEach((value, name) => {
    const key = FIELD_OF.get(name);
    if (key !== undefined) (found.out ??= { ...NONE })[key] = value;
    else if (CONDITIONAL.has(name)) (found.out ??= { ...NONE }).conditional = true;
  });
  return found.out ?? NONE;
}

/**
 * Whether a request carries what the cache's fast path does not handle (a range, a condition, a
 * Cache-Control or Pragma of its own).
 *
 * @example
 * ```ts
 * hasOwnDirectives(cacheRequestFields(new Headers({ pragma: "no-cache" }))); // true
 * ```
 */
export function hasOwnDirectives(own: CacheRequestFields): boolean {
  return own.range !== null || own.cacheControl !== null || own.pragma !== null ||
    own.conditional;
}
