/**
 * The HTTP rules the walk applies: fetch's redirect rules, authentication challenges and schemes
 * (Basic built in, Digest registered by `kernel/net`), and the hand-off of a response (its `url`,
 * and a watched body so that exactly one `completed` or `errorOccurred` follows).
 *
 * @module
 */
import type { NetError } from "../errors.ts";
import { toNetError } from "./to_net_error.ts";
import { tieReadsToSignal } from "./abort_tie.ts";
import { NEVER_ABORTED } from "./hop_request.ts";
import type { AuthChallenge, AuthCredentials, PipelineRequest } from "../request.ts";
import type { UrlParts } from "./url_parts.ts";

/** The most redirects a request follows, as in Chromium. */
export const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type"];

/**
 * Changes `request` for the next hop after a `status` redirect: 303 (except HEAD) and a POST after
 * 301/302 become GET without a body; an origin change drops the authorization headers.
 */
export function applyRedirect(request: PipelineRequest, status: number, location: string): void {
  const [from, to] = [new URL(request.url), new URL(location)];
  const { method } = request;
  if (
    (status === 303 && method !== "HEAD") ||
    ((status === 301 || status === 302) && method === "POST")
  ) {
    request.method = "GET";
    request.body = null;
    for (const name of [...BODY_HEADERS, "content-length"]) request.headers.delete(name);
  }
  if (from.origin !== to.origin) {
    request.headers.delete("authorization");
    request.headers.delete("proxy-authorization");
  }
  request.urlList.push(request.url);
  request.url = to.href;
  request.redirectCount++;
}

/** The absolute URL a redirect response points to (keeping `base`'s fragment), or null. */
export function redirectTarget(response: Response, base: string): string | null {
  const location = REDIRECTS.has(response.status) ? response.headers.get("location") : null;
  const url = location === null ? null : URL.parse(location, base);
  if (url === null) return null;
  if (url.hash === "" && !location!.includes("#")) url.hash = new URL(base).hash;
  return url.href;
}

/** Makes the `Authorization` value for a challenge of one scheme. */
export type AuthScheme = (
  challenge: AuthChallenge,
  credentials: AuthCredentials,
  request: PipelineRequest,
) => string | Promise<string>;

const schemes = new Map<string, AuthScheme>([
  ["basic", (_challenge, { username, password }) => {
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    return `Basic ${btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""))}`;
  }],
]);

/**
 * Registers an auth scheme (its name in lower case) for every session.
 *
 * @example
 * ```ts
 * registerAuthScheme("bearer", (_challenge, { password }) => `Bearer ${password}`);
 * ```
 */
export function registerAuthScheme(name: string, scheme: AuthScheme): void {
  schemes.set(name.toLowerCase(), scheme);
}

/** The registered scheme of a name. */
export function authScheme(name: string): AuthScheme | undefined {
  return schemes.get(name.toLowerCase());
}

/**
 * The challenge of a 401/407 response to answer: the strongest one supported (Digest over Basic,
 * as Chromium prefers), or the first one when none is.
 */
export function parseChallenge(response: Response, url: UrlParts): AuthChallenge | null {
  const isProxy = response.status === 407;
  const header = response.headers.get(isProxy ? "proxy-authenticate" : "www-authenticate");
  const challenges: Array<{ scheme: string; params: Record<string, string> }> = [];
  // Tokens and token=value pairs; a bare token starts a new challenge.
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?\s*,?/gy;
  for (let match; header && (match = token.exec(header)) && match[0] !== "";) {
    const [, name, raw] = match;
    if (raw === undefined) challenges.push({ scheme: name.toLowerCase(), params: {} });
    else if (challenges.length > 0) {
      const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      challenges[challenges.length - 1].params[name.toLowerCase()] = value;
    }
  }
  const rank = (s: string) => (s === "digest" ? 2 : s === "basic" ? 1 : 0);
  const supported = challenges.filter((c) => schemes.has(c.scheme));
  const best =
    (supported.length ? supported : challenges).sort((a, b) => rank(b.scheme) - rank(a.scheme))[0];
  if (!best) return null;
  const { scheme, params } = best;
  return { isProxy, scheme, host: url.host, port: url.port, realm: params.realm ?? "", params };
}

/**
 * Marks responses the transport fetched for the URL of their hop (their `url` is right already):
 * a property under a key of the kernel's own, not a WeakSet entry per request, which costs the
 * garbage collector more.
 */
const FETCHED = Symbol("fetched for its hop");

const FOLLOWED = Symbol("redirects followed by the transport");

/**
 * Marks a response whose redirects the transport followed itself (a page's fetch, which hides
 * them): the walk moves the request to its `url`, whichever transport tap hands it on.
 *
 * @example
 * ```ts
 * const response = markFollowedRedirects(new Response("moved here"));
 * followedRedirects(response); // true
 * ```
 */
export function markFollowedRedirects(response: Response): Response {
  (response as unknown as Record<symbol, boolean>)[FOLLOWED] = true;
  return response;
}

/**
 * Whether the transport followed `response`'s redirects itself ({@linkcode markFollowedRedirects}).
 *
 * @example
 * ```ts
 * followedRedirects(new Response("")); // false
 * ```
 */
export function followedRedirects(response: Response): boolean {
  return (response as unknown as Record<symbol, boolean>)[FOLLOWED] === true;
}

/**
 * Marks a response as fetched by the transport for the current hop's URL (its reads are the
 * network's: the request's signal fails them, and its URL is the hop's). A transport tap that
 * sends a hop with the session's transport itself (the cache) marks what it hands on so.
 *
 * @example
 * ```ts
 * const response = markFetched(new Response("from the network"));
 * wasFetched(response); // true
 * ```
 */
export function markFetched(response: Response): Response {
  (response as unknown as Record<symbol, boolean>)[FETCHED] = true;
  return response;
}

/**
 * Whether `response` is marked as the transport's for its hop ({@linkcode markFetched}).
 *
 * @example
 * ```ts
 * wasFetched(new Response("made")); // false
 * ```
 */
export function wasFetched(response: Response): boolean {
  return (response as unknown as Record<symbol, boolean>)[FETCHED] === true;
}

/** Sets `response.url` (and `redirected`). */
export function withUrl(response: Response, url: string, redirected = false): Response {
  // Reading `url` costs fetch a URL serialisation (about 3 µs in Deno): skipped when known.
  if ((response as unknown as Record<symbol, boolean>)[FETCHED] !== true && response.url !== url) {
    Object.defineProperty(response, "url", { value: url, enumerable: true, configurable: true });
  }
  if (redirected) {
    Object.defineProperty(response, "redirected", { value: true, configurable: true });
  }
  return response;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The response to give the caller; `end`, when given, is called exactly once: with null when the
 * body was read to its end, with the error when reading failed or was cancelled.
 */
export function deliverResponse(
  request: PipelineRequest,
  response: Response,
  end: ((error: NetError | null, response: Response | null) => void) | null,
): Response {
  const redirected = request.redirectCount > 0;
  // A body a plugin made is not fed by a network read: aborting after the response must fail it.
  const made = (response as unknown as Record<symbol, boolean>)[FETCHED] !== true &&
    request.signal !== NEVER_ABORTED;
  if (end === null) {
    if (made) tieReadsToSignal(response, request.signal);
    return withUrl(response, request.url, redirected);
  }
  if (response.body === null || NULL_BODY.has(response.status) || request.method === "HEAD") {
    end(null, response);
    return withUrl(response, request.url, redirected);
  }
  const reader = response.body.getReader();
  let done = false;
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (made && request.signal.aborted) throw request.signal.reason;
        const chunk = await reader.read();
        if (!chunk.done) return controller.enqueue(chunk.value);
        done = true;
        controller.close();
        end(null, out);
      } catch (error) {
        done = true;
        const netError = toNetError(error, request.signal);
        end(netError, null);
        controller.error(netError);
      }
    },
    cancel(reason) {
      if (!done) {
        done = true;
        end(toNetError(reason ?? new DOMException("Body cancelled", "AbortError")), null);
      }
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const { status, statusText, headers } = response;
  const out = new Response(watched, { status, statusText, headers });
  return withUrl(out, request.url, redirected);
}
