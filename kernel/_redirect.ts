/**
 * The fetch standard's rules for following a redirect: which statuses redirect, how the method
 * and body change, which headers are dropped when the origin changes.
 *
 * @module
 */
import type { PipelineRequest } from "./request.ts";

/** The statuses that redirect when they carry a `Location`. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** The most redirects a request follows, as in Chromium. */
export const MAX_REDIRECTS = 20;

const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type"];

/**
 * Changes `request` for the next hop to `location` after a `status` redirect: 303 (except HEAD)
 * and a POST after 301/302 become GET without a body; an origin change drops `Authorization`.
 *
 * @example
 * ```ts
 * // applyRedirect(request, 303, "https://example.com/done");
 * ```
 */
export function applyRedirect(request: PipelineRequest, status: number, location: string): void {
  const from = new URL(request.url);
  const to = new URL(location);
  if (
    (status === 303 && request.method !== "HEAD") ||
    ((status === 301 || status === 302) && request.method === "POST")
  ) {
    request.method = "GET";
    request.body = null;
    for (const name of BODY_HEADERS) request.headers.delete(name);
    request.headers.delete("content-length");
  }
  if (from.origin !== to.origin) {
    request.headers.delete("authorization");
    request.headers.delete("proxy-authorization");
  }
  request.urlList.push(request.url);
  request.url = to.href;
  request.redirectCount++;
}

/**
 * The absolute URL a redirect response points to, or null when it is not a redirect.
 *
 * @example
 * ```ts
 * redirectTarget(new Response(null, { status: 302, headers: { location: "/b" } }), "http://a.test/a");
 * // "http://a.test/b"
 * ```
 */
export function redirectTarget(response: Response, base: string): string | null {
  if (!REDIRECT_STATUSES.has(response.status)) return null;
  const location = response.headers.get("location");
  if (location === null) return null;
  try {
    const url = new URL(location, base);
    if (url.hash === "" && new URL(base).hash !== "" && !location.includes("#")) {
      url.hash = new URL(base).hash;
    }
    return url.href;
  } catch {
    return null;
  }
}
