/**
 * Which HAR entry answers a request, as Playwright's `routeFromHAR` picks one: the same method
 * and URL; for a POST with a body, an entry whose recorded body is the same (multipart bodies
 * compared without their boundaries, which change between requests); among several, the one
 * sharing the most request headers (name and value), the earliest on a tie.
 *
 * @module
 */
import type { HarEntry, HarNameValue } from "./har_types.ts";

/** What matching reads of a request. */
export interface HarLookup {
  /** The method. */
  method: string;
  /** The URL. */
  url: string;
  /** The headers sent. */
  headers: Headers;
  /** The body as text, or null (none, or a stream). */
  body: string | null;
}

function multipartBoundary(contentType: string | null | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  return /;\s*boundary=("?)([^";]+)\1/i.exec(contentType)?.[2] ?? null;
}

function headerValue(headers: readonly HarNameValue[], name: string): string | undefined {
  return headers.find((header) => header.name.toLowerCase() === name)?.value;
}

function sameBody(entry: HarEntry, lookup: HarLookup): boolean {
  const recorded = entry.request.postData?.text;
  if (lookup.method !== "POST" || lookup.body === null || recorded === undefined) return true;
  if (recorded === lookup.body) return true;
  const ours = multipartBoundary(lookup.headers.get("content-type"));
  const theirs = multipartBoundary(headerValue(entry.request.headers, "content-type"));
  if (ours === null || theirs === null) return false;
  return lookup.body.replaceAll(ours, "") === recorded.replaceAll(theirs, "");
}

function sharedHeaders(entry: HarEntry, headers: Headers): number {
  let count = 0;
  for (const { name, value } of entry.request.headers) {
    if (headers.get(name) === value) count++;
  }
  return count;
}

/**
 * The entry that answers `lookup`, or undefined.
 *
 * @example
 * ```ts
 * const found = findHarEntry([], {
 *   method: "GET", url: "https://a.test/", headers: new Headers(), body: null,
 * });
 * found; // undefined
 * ```
 */
export function findHarEntry(
  entries: readonly HarEntry[],
  lookup: HarLookup,
): HarEntry | undefined {
  let best: HarEntry | undefined;
  let bestShared = -1;
  for (const entry of entries) {
    if (entry.request.method !== lookup.method || entry.request.url !== lookup.url) continue;
    if (!sameBody(entry, lookup)) continue;
    const shared = sharedHeaders(entry, lookup.headers);
    if (shared > bestShared) {
      best = entry;
      bestShared = shared;
    }
  }
  return best;
}
