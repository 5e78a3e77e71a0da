/**
 * The cache's part of a request, at the pipeline's `transport` stage (after `beforeSendHeaders`,
 * so cookies and webRequest have written the headers, and before the transport and the proxy's
 * tap): a fresh stored response answers at once; a stale one is revalidated with
 * `If-None-Match`/`If-Modified-Since` (a 304 merges its headers into the stored response); a miss
 * goes on to the network and a storable answer is kept while the caller reads it. Unsafe methods
 * invalidate what they touch. Decisions are http-cache-semantics' (`_policy.ts`).
 *
 * @module
 */
import type CachePolicy from "http-cache-semantics";
import { NetError } from "../../kernel/errors.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { followedRedirects, wasFetched } from "../../kernel/http/rules.ts";
import { capture } from "./_capture.ts";
import { keepOnRead } from "./_keep_on_read.ts";
import { VolatileMeta } from "./_volatile_meta.ts";
import {
  evaluate,
  lazyPolicy,
  newPolicy,
  plainlyVolatile,
  policyHeaders,
  responseFields,
  revalidated,
} from "./_policy.ts";
import type { CachedEntry, CachedMeta, CacheStorage } from "./cache_storage.ts";

import { FROM_CACHE } from "./_from_cache.ts";
import {
  type CacheRequestFields,
  cacheRequestFields,
  hasOwnDirectives,
} from "./_request_fields.ts";

export { FROM_CACHE };

/** Fetch's cache modes (`RequestInit.cache`, `net.request`'s `cache` option). */
export type CacheMode =
  | "default"
  | "no-store"
  | "reload"
  | "no-cache"
  | "force-cache"
  | "only-if-cached";

const MODES = new Set<string>([
  "default",
  "no-store",
  "reload",
  "no-cache",
  "force-cache",
  "only-if-cached",
]);
const SAFE = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** Sends a hop on to the network (the taps after the cache, then the transport). */
export type Onward = (request: PipelineRequest, headers?: Headers) => Promise<Response>;

/** The request's cache mode, checked. */
export function cacheModeOf(request: PipelineRequest): CacheMode {
  const mode = request.options.cache;
  if (mode === undefined || mode === null) return "default";
  if (typeof mode !== "string" || !MODES.has(mode)) {
    // A NetError, so that the pipeline hands it to the caller as is.
    throw new NetError(
      "net::ERR_INVALID_ARGUMENT",
      `The cache option must be one of ${[...MODES].join(", ")} (got ${String(mode)})`,
    );
  }
  return mode as CacheMode;
}

/**
 * The headers fetch's cache modes add to what goes to the network, as browsers send them:
 * `no-store` and `reload` ask for a fresh answer (`Cache-Control: no-cache`, `Pragma: no-cache`),
 * `no-cache` for a validated one (`Cache-Control: max-age=0`). Undefined when nothing is added.
 */
function modeHeaders(request: PipelineRequest, mode: CacheMode): Headers | undefined {
  if (mode !== "no-store" && mode !== "reload" && mode !== "no-cache") return undefined;
  if (request.headers.has("cache-control")) return undefined;
  const headers = new Headers(request.headers);
  if (mode === "no-cache") headers.set("cache-control", "max-age=0");
  else {
    headers.set("cache-control", "no-cache");
    if (!headers.has("pragma")) headers.set("pragma", "no-cache");
  }
  return headers;
}

/** Bodies up to this size (of known length, not encoded) are read whole before being handed on. */
const SMALL_BODY = 64 * 1024;

/** Statuses whose responses have no body (Response refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A Response with `headers` set on it once made rather than given to its constructor: a CPU
 * profile of `deno task bench cache` (`deno run --cpu-prof`) put 12-13% of all the time of a hit in
 * Deno's setServeNativeFromHeaders, which the constructor runs for a byte body with any header but
 * Content-Type (it prepares a native response for Deno.serve); a 200 without headers skips it, and
 * setting the headers afterwards costs less (a hit twice as fast on Deno, 1.1x on Bun). Response
 * copies a byte array it is given (Deno and Bun, as fetch says).
 */
function madeResponse(
  body: Uint8Array | null,
  status: number,
  statusText: string,
  headers: Record<string, string>,
): Response {
  const response = new Response(body as Uint8Array<ArrayBuffer> | null, { status, statusText });
  const out = response.headers;
  for (const name in headers) out.set(name, headers[name]);
  return response;
}

function responseOf(
  entry: CachedEntry,
  headers: Record<string, string>,
  method: string,
): Response {
  const body = method === "HEAD" || NULL_BODY.has(entry.status) ? null : entry.body;
  return madeResponse(body, entry.status, entry.statusText, headers);
}

/** A single `bytes=a-b` range of a stored body as a 206, or null when it is not one. */
function rangeOf(entry: CachedEntry, headers: Record<string, string>, range: string) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const size = entry.body.byteLength;
  let start: number, end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    return new Response(null, {
      status: 416,
      statusText: "Range Not Satisfiable",
      headers: { "content-range": `bytes */${size}` },
    });
  }
  const out = new Headers(headers);
  out.set("content-range", `bytes ${start}-${end}/${size}`);
  out.set("content-length", String(end - start + 1));
  return new Response(entry.body.slice(start, end + 1), {
    status: 206,
    statusText: "Partial Content",
    headers: out,
  });
}

/**
 * The HTTP cache of one session.
 *
 * @example
 * ```ts
 * // const cache = new HttpCache(storage, onward, { maxEntrySize: 1 << 20 });
 * // const response = await cache.handle(request);
 * ```
 */
export class HttpCache {
  #storage: CacheStorage;
  #onward: Onward;
  #maxEntrySize: number;
  #report: (error: unknown) => void;
  #pending = new Set<Promise<unknown>>();
  #writing = new Map<string, Promise<unknown>>();
  #loaded = false;

  /** A cache over `storage`; `onward` sends what it cannot answer. */
  constructor(
    storage: CacheStorage,
    onward: Onward,
    options: { maxEntrySize: number; report: (error: unknown) => void },
  ) {
    this.#storage = storage;
    this.#onward = onward;
    this.#maxEntrySize = options.maxEntrySize;
    this.#report = options.report;
  }

  /** Resolves when the stores and background revalidations started so far have finished. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Tracks a store's write (see {@linkcode CacheStorage.put}: none for an in-memory one). */
  #stored(key: string, written: Promise<void> | undefined): void {
    if (written !== undefined) this.#track(written, key);
  }

  #track(promise: Promise<unknown>, key?: string): void {
    const tracked: Promise<unknown> = promise.catch((error) => this.#report(error)).finally(() => {
      this.#pending.delete(tracked);
      if (key !== undefined && this.#writing.get(key) === tracked) this.#writing.delete(key);
    });
    this.#pending.add(tracked);
    if (key !== undefined) this.#writing.set(key, tracked);
  }

  /**
   * Answers one hop (always: from the cache or from the network). A fresh entry whose body is in
   * memory answers synchronously, for a request without a cache mode, range, condition or
   * Cache-Control of its own.
   */
  handle(request: PipelineRequest): Response | Promise<Response> {
    let own: CacheRequestFields | undefined;
    if (!this.#loaded) {
      return this.#storage.load().then(() => {
        this.#loaded = true;
        return this.handle(request);
      });
    }
    const method = request.method;
    if (
      (method === "GET" || method === "HEAD") && request.options.cache === undefined &&
      !this.#writing.has(request.url)
    ) {
      const hot = this.#storage.hot(request.url);
      if (hot && !hasOwnDirectives(own ??= cacheRequestFields(request.headers))) {
        // Hand-written on purpose: the library's evaluateRequest() and responseHeaders() per hit
        // made hits 0.63x of "http-cache-semantics + Map" (scripts/bench/cache.ts); a fresh entry
        // without Vary needs only its freshness time, computed once by the library.
        const now = Date.now();
        const fast = hot.fast;
        if (now < fast.freshUntil) {
          request.data.set(FROM_CACHE, true);
          const age = fast.ageValue + (now - fast.responseTime) / 1000;
          const body = method === "HEAD" || NULL_BODY.has(hot.meta.status) ? null : hot.body;
          const response = madeResponse(body, hot.meta.status, hot.meta.statusText, fast.headers);
          response.headers.set("age", String(Math.round(age)));
          return response;
        }
      }
      const fields = own ??= cacheRequestFields(request.headers);
      if (method === "GET" && !hasOwnDirectives(fields)) {
        // Nothing stored, or a volatile entry (never fresh, no validator): a miss, sent on with
        // the request's own headers and its answer kept, as #handle would (without its turns).
        const meta = this.#storage.peek(request.url);
        if (meta === null || meta.volatile === true) {
          return this.#onward(request).then((response) =>
            this.#maybeStore(request, fields, request.url, response)
          );
        }
      }
    }
    return this.#handle(request, own ?? cacheRequestFields(request.headers));
  }

  async #handle(request: PipelineRequest, own: CacheRequestFields): Promise<Response> {
    const method = request.method;
    if (!SAFE.has(method)) return this.#unsafe(request);
    const mode = cacheModeOf(request);
    const directives = (own.cacheControl ?? "").toLowerCase();
    const onlyIfCached = mode === "only-if-cached" || directives.includes("only-if-cached");
    if ((method !== "GET" && method !== "HEAD") || mode === "no-store") {
      if (onlyIfCached) throw this.#miss(request);
      return this.#onward(request, modeHeaders(request, mode));
    }
    const key = request.url;
    // A response to the same URL still being written is waited for, as Chromium's cache does.
    const writing = this.#writing.get(key);
    if (writing) await writing;
    const range = own.range;
    const ownConditional = own.conditional;
    const meta = mode === "reload" ? null : this.#storage.peek(key);
    // A volatile entry serves only force-cache, only-if-cached and a request's own Cache-Control:
    // otherwise the request goes on as a miss, as #fromStored would send it (nothing to add).
    const onlyStale = meta?.volatile === true && mode !== "force-cache" && !onlyIfCached &&
      directives === "";
    if (meta && !onlyStale && !ownConditional && (range === null || method === "GET")) {
      const answer = await this.#fromStored(request, own, key, meta, mode, onlyIfCached);
      if (answer) return answer;
    } else if (onlyIfCached) throw this.#miss(request);
    const response = await this.#onward(request, modeHeaders(request, mode));
    if (range !== null || ownConditional || method === "HEAD") return response;
    return this.#maybeStore(request, own, key, response);
  }

  #miss(request: PipelineRequest): NetError {
    return new NetError("net::ERR_CACHE_MISS", `${request.url} is not in the cache`);
  }

  async #fromStored(
    request: PipelineRequest,
    own: CacheRequestFields,
    key: string,
    meta: CachedMeta,
    mode: CacheMode,
    onlyIfCached: boolean,
  ): Promise<Response | null> {
    const range = own.range;
    const any = mode === "force-cache" || onlyIfCached;
    // A volatile entry is never fresh and has no validator: unless the request's Cache-Control
    // says otherwise (max-stale), the library would say "revalidate" with the request's own
    // headers (nothing to add), so it is not asked (a proxied request to such a URL paid
    // CachePolicy.fromObject() and evaluateRequest() for nothing).
    let { serve, revalidate } = meta.volatile && !any && own.cacheControl === null
      ? { serve: null, revalidate: {} }
      : evaluate(meta.policy, request);
    if (any) {
      serve ??= Object.fromEntries(meta.headers);
      revalidate = null;
    } else if (
      (mode === "no-cache" || /(^|,)\s*max-age\s*=\s*0\s*(,|$)/.test(
        (own.cacheControl ?? "").toLowerCase(),
      )) && serve
    ) {
      // The request's max-age=0 asks for a validation, as browsers read it.
      revalidate ??= conditionalHeaders(meta);
      serve = null;
    }
    if (serve) {
      const entry = await this.#storage.get(key);
      if (entry) {
        if (revalidate) this.#track(this.#revalidate(request, own, key, meta, revalidate));
        request.data.set(FROM_CACHE, true);
        if (range !== null) {
          const partial = rangeOf(entry, serve, range);
          if (partial) return partial;
        }
        return responseOf(entry, serve, request.method);
      }
      if (onlyIfCached) throw this.#miss(request);
      return null;
    }
    if (onlyIfCached) throw this.#miss(request);
    if (!revalidate || range !== null) return null;
    // A volatile entry has nothing to add (no validator): the request goes on with its own
    // headers, as a first request to the URL does, instead of a copy of them (copying a Headers
    // was a tenth of net.request's CPU against a server that sends no cache headers).
    const conditions = Object.entries(revalidate).filter(([name]) => name !== "host");
    let headers = modeHeaders(request, mode);
    if (conditions.length > 0) {
      headers ??= new Headers(request.headers);
      for (const [name, value] of conditions) headers.set(name, value);
    }
    const response = await this.#onward(request, headers);
    if (response.status !== 304) return this.#maybeStore(request, own, key, response);
    const entry = await this.#storage.get(key);
    const { policy, modified } = revalidated(meta.policy, request, response);
    if (!entry || modified) {
      // The 304 does not match what is stored: ask again without conditions.
      await this.#storage.delete(key);
      return this.#maybeStore(request, own, key, await this.#onward(request));
    }
    await response.body?.cancel();
    const merged = policyHeaders(policy);
    await this.#storage.update(key, {
      ...meta,
      volatile: false,
      policy: policy.toObject(),
      headers: Object.entries(merged),
    });
    request.data.set(FROM_CACHE, true);
    return responseOf(entry, merged, request.method);
  }

  /** stale-while-revalidate: the stored response was served; update it in the background. */
  async #revalidate(
    request: PipelineRequest,
    own: CacheRequestFields,
    key: string,
    meta: CachedMeta,
    conditional: Record<string, string>,
  ): Promise<void> {
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(conditional)) {
      if (name !== "host") headers.set(name, value);
    }
    const response = await this.#onward(request, headers);
    if (response.status === 304) {
      await response.body?.cancel();
      const { policy } = revalidated(meta.policy, request, response);
      await this.#storage.update(key, {
        ...meta,
        volatile: false,
        policy: policy.toObject(),
        headers: Object.entries(policyHeaders(policy)),
      });
      return;
    }
    const kept = await this.#maybeStore(request, own, key, response);
    await kept.arrayBuffer();
  }

  #maybeStore(
    request: PipelineRequest,
    own: CacheRequestFields,
    key: string,
    response: Response,
  ): Response | Promise<Response> {
    if (request.method !== "GET" || response.status === 304) return response;
    // The final hop of redirects a page's fetch followed: not the answer for this URL, and handed
    // on as it is, so that the walk sees where it ended.
    if (followedRedirects(response)) return response;
    const fields = responseFields(response.headers);
    const length = Number(fields["content-length"] ?? "0");
    const status = response.status;
    // A response that says nothing about caching is stored stale, without its policy made now.
    const plain = plainlyVolatile(request, status, fields, own);
    const policy = plain ? null : newPolicy(request, response, fields);
    if (
      (policy !== null && !policy.storable()) || status === 206 || length > this.#maxEntrySize ||
      (!plain && (own.cacheControl ?? "").toLowerCase().includes("no-store"))
    ) {
      // What is stored for the URL is outdated by this answer.
      if (status !== 206) this.#track(this.#storage.delete(key));
      return response;
    }
    let meta: CachedMeta;
    if (policy === null) {
      const made = lazyPolicy(request, status, fields, own);
      meta = new VolatileMeta(made, status, response.statusText, Object.entries(fields));
    } else {
      meta = {
        policy: policy.toObject(),
        status,
        statusText: response.statusText,
        headers: Object.entries(fields),
        bodySize: 0,
      };
      if (isVolatile(policy, fields)) meta.volatile = true;
    }
    const volatile = meta.volatile === true;
    // `response.body` is not looked at before the body is read: on a transport's response (see
    // adapters/http/_broken_body.ts) that makes a stream around the native one, and the cache's
    // requests then ran 13% slower (CPU profile of ses.fetch through the cache, 16 in flight).
    // A status without a body has none; a made Response without one reads as empty.
    if (NULL_BODY.has(response.status)) return this.#keepEmpty(key, meta, volatile, response);
    if (
      length <= SMALL_BODY && fields["content-length"] !== undefined &&
      fields["content-encoding"] === undefined
    ) {
      if (policy === null && wasFetched(response)) return this.#keptOnRead(key, meta, response);
      return this.#buffered(key, meta, volatile, response, fields);
    }
    const stream = response.body;
    if (stream === null) return this.#keepEmpty(key, meta, volatile, response);
    const body = capture(stream, this.#maxEntrySize, (bytes) => {
      meta.bodySize = bytes.byteLength;
      this.#stored(key, this.#storage.put(key, meta, bytes, volatile));
    });
    const out = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    return out;
  }

  #keepEmpty(key: string, meta: CachedMeta, volatile: boolean, response: Response): Response {
    this.#stored(key, this.#storage.put(key, meta, new Uint8Array(0), volatile));
    return response;
  }

  /**
   * A small body of a response that says nothing about caching (stored stale, without its policy),
   * fetched by the session's transport, is copied when the caller reads it: the response handed on
   * is the transport's own, its reads native (a plugin's made response is read up front instead,
   * by #buffered: the kernel may give it another prototype, to tie its reads to the signal). Such an entry answers only `force-cache`, `only-if-cached` and a request's own
   * `max-stale`, so an entry kept when the body has been read (as a large body's is) changes no
   * other answer; what is stored for the URL and fresh is outdated by this answer at once.
   */
  #keptOnRead(key: string, meta: CachedMeta, response: Response): Response {
    const stored = this.#storage.peek(key);
    if (stored !== null && stored.volatile !== true) this.#track(this.#storage.delete(key));
    return keepOnRead(response, (bytes) => {
      if (bytes.byteLength > this.#maxEntrySize) return;
      // `meta` is this response's own: set, not spread (a spread would make a lazy policy now)
      meta.bodySize = bytes.byteLength;
      this.#stored(key, this.#storage.put(key, meta, bytes, true));
    });
  }

  /**
   * A small body of known length, not encoded, is read whole before the response is handed on:
   * the copy kept and the caller's are then plain bytes. Passing it through a stream that keeps
   * a copy (`capture`) made every proxied request of the session server read its body chunk by
   * chunk in JavaScript (a CPU profile of `deno task bench server`: the cache plugin doubled the
   * CPU per request). A body that fails is the caller's failure to read, as it would have been.
   */
  async #buffered(
    key: string,
    meta: CachedMeta,
    volatile: boolean,
    response: Response,
    fields: Record<string, string>,
  ): Promise<Response> {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      const failed = new ReadableStream({ start: (controller) => controller.error(error) });
      return new Response(failed, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    if (bytes.byteLength <= this.#maxEntrySize) {
      // `meta` is this response's own: set, not spread (a spread would make a lazy policy now)
      meta.bodySize = bytes.byteLength;
      this.#stored(key, this.#storage.put(key, meta, bytes, volatile));
    }
    // The fields read once already (see madeResponse()), and each Set-Cookie line, which a cache
    // does not keep but the caller gets. No URL: the kernel sets the hop's when it hands the
    // response over (kernel/http/rules.ts, withUrl), as for the cache's hits.
    const out = madeResponse(bytes, response.status, response.statusText, fields);
    for (const line of response.headers.getSetCookie()) out.headers.append("set-cookie", line);
    return out;
  }

  /** Unsafe methods go to the network; a non-error answer invalidates the URLs it names. */
  async #unsafe(request: PipelineRequest): Promise<Response> {
    const response = await this.#onward(request);
    if (response.status >= 200 && response.status < 400) {
      const origin = new URL(request.url).origin;
      const targets = [request.url];
      for (const name of ["location", "content-location"]) {
        const value = response.headers.get(name);
        if (!value) continue;
        try {
          const url = new URL(value, request.url);
          if (url.origin === origin) targets.push(url.href);
        } catch { /* not a URL: nothing to invalidate */ }
      }
      for (const url of targets) await this.#storage.delete(url);
    }
    return response;
  }
}

/**
 * Whether a response is stale on arrival (no freshness, no stale-while-revalidate or
 * stale-if-error window) and has no validator: it can never be served fresh nor revalidated, only
 * used by `force-cache` and `only-if-cached`. Such entries are not written to a persistent
 * partition's store (cache_storage.ts).
 */
function isVolatile(policy: CachePolicy, fields: Record<string, string>): boolean {
  return policy.timeToLive() === 0 && fields.etag === undefined &&
    fields["last-modified"] === undefined;
}

/** The conditional headers for a stored response (`cache: "no-cache"`). */
function conditionalHeaders(meta: CachedMeta): Record<string, string> {
  const headers = Object.fromEntries(meta.headers);
  const out: Record<string, string> = {};
  if (headers.etag) out["if-none-match"] = headers.etag;
  if (headers["last-modified"]) out["if-modified-since"] = headers["last-modified"];
  return out;
}
