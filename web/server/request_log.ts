/**
 * The server's request log for the dashboard: one entry per request (not per event) with its
 * headers, cookies, status, size, stage timings and, for proxied requests, the first bytes of the
 * request and response bodies; the last `keep` requests, kept by the server so a page reload loses
 * nothing. Bodies are capped per body (`bodyCap`) and in total (`bodyBudget`, request and response
 * bodies together): the oldest bodies are dropped first.
 *
 * @module
 */
import type { PipelineRequest, Session } from "../../mod.ts";

/** Milliseconds since the request started at which each stage was reached. */
export interface EntryTimings {
  /** `sendHeaders`: the rules and listeners are done. */
  sendHeaders?: number;
  /** `responseStarted`: the response headers arrived. */
  responseStarted?: number;
  /** `completed` or `errorOccurred`. */
  end?: number;
}

/** One request of the log. */
export interface LogEntry {
  /** The pipeline's request id. */
  id: number;
  /** Method. */
  method: string;
  /** The URL (the last hop's). */
  url: string;
  /** Status, once known. */
  status: number | null;
  /** The status text (`OK`), once known; empty when the response had none. */
  statusText: string;
  /** The response's content type (without parameters), once known. */
  mimeType: string;
  /** A DevTools-like type from the content type: document, script, stylesheet, image, json, ... */
  type: string;
  /** Response body bytes seen so far (proxied requests). */
  size: number;
  /** When it started (ms since the epoch). */
  startedAt: number;
  /** Stage timings. */
  timings: EntryTimings;
  /** The request headers as sent. */
  requestHeaders: Array<[string, string]>;
  /** The response headers. */
  responseHeaders: Array<[string, string]>;
  /** Cookies sent (from the Cookie header). */
  cookiesSent: Array<{ name: string; value: string }>;
  /** Set-Cookie headers received. */
  cookiesSet: string[];
  /** The error code, for a failed request. */
  error: string | null;
  /** Redirects followed. */
  redirects: number;
  /** Whether response body bytes were kept, and whether they were cut at the cap. */
  body: { kept: number; truncated: boolean };
  /** The request body: bytes sent, bytes kept, whether they were cut (proxied requests). */
  requestBody: { size: number; kept: number; truncated: boolean };
}

type BodyKind = "request" | "response";
interface RawHeaders {
  request: Headers | null;
  response: Headers | null;
}
// Bodies are keyed by number (no string made per request): even for a response, odd for a request.
const keyOf = (kind: BodyKind, id: number) => kind === "request" ? id * 2 + 1 : id * 2;
// What an entry lists before anyone reads it (`#filled` puts its own lists in): one shared,
// frozen empty list rather than four new ones per request.
const NONE = Object.freeze([]) as unknown as never[];

/** Options of {@link RequestLog}. */
export interface RequestLogOptions {
  /** How many requests are kept (default 500; 0 turns the log and its taps off). */
  keep?: number;
  /** Body bytes kept per body (default 256 KiB). */
  bodyCap?: number;
  /** Body bytes kept in all (default 32 MiB). */
  bodyBudget?: number;
}

function typeOf(mime: string): string {
  if (mime === "text/html") return "document";
  if (/javascript|ecmascript/.test(mime)) return "script";
  if (mime === "text/css") return "stylesheet";
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("font/")) return "font";
  if (/json/.test(mime)) return "json";
  if (mime.startsWith("text/")) return "text";
  if (mime === "") return "other";
  return "binary";
}

/**
 * Keeps the last requests of a session.
 *
 * @example
 * ```ts
 * // const log = new RequestLog(ses, { keep: 200 });
 * // log.list().at(-1)?.url;
 * ```
 */
export class RequestLog {
  #entries = new Map<number, LogEntry>();
  #bodies = new Map<number, Uint8Array[]>();
  #bodyBytes = 0;
  // The id of the request each signal started, as a property of the signal under a key of this
  // log's own (a WeakMap entry per request costs the garbage collector more).
  #idKey = Symbol("request log id");
  #keep: number;
  #bodyCap: number;
  #bodyBudget: number;
  #listeners = new Set<{ listener: (entry: LogEntry) => void; when: () => boolean }>();
  #raw = new Map<number, RawHeaders>();
  #untaps: Array<() => void> = [];
  #session: Session;

  /** Starts logging `session`'s requests. */
  constructor(session: Session, options: RequestLogOptions = {}) {
    this.#session = session;
    this.#keep = options.keep ?? 500;
    this.#bodyCap = options.bodyCap ?? 256 * 1024;
    this.#bodyBudget = options.bodyBudget ?? 32 * 1024 * 1024;
    // keep 0: no log at all, and no taps (the proxy's fast path).
    if (this.#keep === 0) return;
    const pipeline = session.pipeline;
    const tap = <S extends "beforeRequest" | "sendHeaders" | "responseStarted">(
      stage: S,
      fn: (request: PipelineRequest, response?: Response) => void,
    ) =>
      this.#untaps.push(
        pipeline.tap(stage, fn as never, { plugin: "session-server", order: "post" }),
      );
    tap("beforeRequest", (request) => {
      if (request.redirectCount > 0) return;
      this.#start(request);
    });
    tap("sendHeaders", (request) => {
      const entry = this.#entries.get(request.id);
      if (!entry) return;
      entry.url = request.url;
      entry.redirects = request.redirectCount;
      this.#rawOf(entry).request = request.headers;
      entry.timings.sendHeaders = this.#since(request);
    });
    tap("responseStarted", (request, response) => {
      const entry = this.#entries.get(request.id);
      if (!entry || !response) return;
      entry.status = response.status;
      entry.statusText = response.statusText;
      // The content type (mimeType, type) is read from these when the entry is read (#filled).
      this.#rawOf(entry).response = response.headers;
      entry.timings.responseStarted = this.#since(request);
      this.#changed(entry);
    });
    // No `completed`/`errorOccurred` taps: those make the pipeline watch every body. The forward
    // proxy says when a request ended (bodyRecorder's null) or failed (failed()).
  }

  /**
   * Calls `listener` whenever an entry starts or changes, while `when` (default: always) says so;
   * returns the function that stops it.
   */
  subscribe(listener: (entry: LogEntry) => void, when: () => boolean = () => true): () => void {
    const subscriber = { listener, when };
    this.#listeners.add(subscriber);
    return () => this.#listeners.delete(subscriber);
  }

  /** The entries, oldest first. */
  list(): LogEntry[] {
    return [...this.#entries.values()].map((entry) => this.#filled(entry));
  }

  /** One entry, or undefined. */
  get(id: number): LogEntry | undefined {
    const entry = this.#entries.get(id);
    return entry && this.#filled(entry);
  }

  // The headers of an entry are kept as the pipeline's Headers objects and turned into the
  // entry's lists (and its content type) only when someone reads the entry: most entries are
  // never read.
  #rawOf(entry: LogEntry): RawHeaders {
    let raw = this.#raw.get(entry.id);
    if (!raw) this.#raw.set(entry.id, raw = { request: null, response: null });
    return raw;
  }

  #filled(entry: LogEntry): LogEntry {
    const raw = this.#raw.get(entry.id);
    if (!raw) return entry;
    this.#raw.delete(entry.id);
    if (raw.request) {
      entry.requestHeaders = [...raw.request];
      entry.cookiesSent = (raw.request.get("cookie") ?? "").split(/;\s*/).filter(Boolean)
        .map((pair) => {
          const at = pair.indexOf("=");
          return at < 0
            ? { name: "", value: pair }
            : { name: pair.slice(0, at), value: pair.slice(at + 1) };
        });
    }
    if (raw.response) {
      entry.mimeType = (raw.response.get("content-type") ?? "").split(";")[0].trim()
        .toLowerCase();
      entry.type = typeOf(entry.mimeType);
      entry.responseHeaders = [...raw.response].filter(([name]) => name !== "set-cookie");
      entry.cookiesSet = raw.response.getSetCookie();
    }
    return entry;
  }

  /** The response (or request) body bytes kept for an entry, or null. */
  body(id: number, kind: BodyKind = "response"): Uint8Array | null {
    const chunks = this.#bodies.get(keyOf(kind, id));
    if (!chunks) return null;
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
    this.#raw.clear();
    this.#bodies.clear();
    this.#bodyBytes = 0;
  }

  /** Stops logging. */
  close(): void {
    for (const untap of this.#untaps.splice(0)) untap();
    this.#listeners.clear();
  }

  /**
   * The function that records the response body bytes of the request started with `signal` (the
   * forward proxy calls it with each chunk it sends, then with null), or null when none is known.
   */
  bodyRecorder(signal: AbortSignal): ((chunk: Uint8Array | null) => void) | null {
    const id = this.#idOf(signal);
    if (id === undefined) return null;
    return (chunk) => {
      const entry = this.#entries.get(id);
      if (!entry) return;
      if (chunk === null) {
        entry.timings.end = this.#sinceStart(entry);
        this.#changed(entry);
        return;
      }
      entry.size += chunk.length;
      this.#keepBody(entry.body, keyOf("response", id), chunk);
    };
  }

  /**
   * Records request body bytes of the request started with `signal` (the forward proxy calls it
   * with each chunk as the session reads the body). Chunks of a request the log does not know are
   * ignored.
   */
  recordRequestBody(signal: AbortSignal, chunk: Uint8Array): void {
    const id = this.#idOf(signal);
    const entry = id === undefined ? undefined : this.#entries.get(id);
    if (!entry) return;
    entry.requestBody.size += chunk.length;
    this.#keepBody(entry.requestBody, keyOf("request", entry.id), chunk);
  }

  /** Keeps what fits of `chunk` under the cap of one body and the budget of all. */
  #keepBody(state: { kept: number; truncated: boolean }, key: number, chunk: Uint8Array): void {
    const room = Math.min(this.#bodyCap - state.kept, this.#bodyBudget);
    if (room <= 0) {
      state.truncated = true;
      return;
    }
    // A chunk that is all of its buffer is nobody else's (a body read whole, fetch's chunks): kept
    // as it is; a view into a larger (pooled) buffer is copied, so the budget counts what is held.
    const kept = chunk.length > room
      ? chunk.slice(0, room)
      : chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength
      ? chunk
      : chunk.slice();
    if (kept.length < chunk.length) state.truncated = true;
    let chunks = this.#bodies.get(key);
    if (!chunks) this.#bodies.set(key, chunks = []);
    chunks.push(kept);
    state.kept += kept.length;
    this.#bodyBytes += kept.length;
    this.#trimBodies(key);
  }

  /** Records that the request started with `signal` failed with `code` (a net::ERR_* code). */
  failed(signal: AbortSignal, code: string): void {
    const entry = this.#entries.get(this.#idOf(signal) ?? -1);
    if (!entry) return;
    entry.error = code;
    entry.timings.end = this.#sinceStart(entry);
    this.#changed(entry);
  }

  #idOf(signal: AbortSignal): number | undefined {
    return (signal as unknown as Record<symbol, number | undefined>)[this.#idKey];
  }

  #sinceStart(entry: LogEntry): number {
    return Math.round((Date.now() - entry.startedAt) * 1000) / 1000;
  }

  #start(request: PipelineRequest): void {
    const entry: LogEntry = {
      id: request.id,
      method: request.method,
      url: request.url,
      status: null,
      statusText: "",
      mimeType: "",
      type: "other",
      size: 0,
      startedAt: Date.now(),
      timings: {},
      requestHeaders: NONE,
      responseHeaders: NONE,
      cookiesSent: NONE,
      cookiesSet: NONE,
      error: null,
      redirects: 0,
      body: { kept: 0, truncated: false },
      requestBody: { size: 0, kept: 0, truncated: false },
    };
    this.#entries.set(request.id, entry);
    this.#raw.set(request.id, { request: request.headers, response: null });
    (request.signal as unknown as Record<symbol, number>)[this.#idKey] = request.id;
    while (this.#entries.size > this.#keep) {
      const oldest = this.#entries.keys().next().value!;
      this.#entries.delete(oldest);
      this.#raw.delete(oldest);
      this.#dropBody(keyOf("response", oldest));
      this.#dropBody(keyOf("request", oldest));
    }
    this.#changed(entry);
  }

  #since(request: PipelineRequest): number {
    return Math.round((this.#session.now() - request.timestamp) * 1000) / 1000;
  }

  #trimBodies(keep: number): void {
    for (const key of this.#bodies.keys()) {
      if (this.#bodyBytes <= this.#bodyBudget) return;
      if (key === keep) continue;
      this.#dropBody(key);
    }
  }

  #dropBody(key: number): void {
    const chunks = this.#bodies.get(key);
    if (!chunks) return;
    for (const chunk of chunks) this.#bodyBytes -= chunk.length;
    this.#bodies.delete(key);
    const entry = this.#entries.get(Math.floor(key / 2));
    if (!entry) return;
    const state = key % 2 === 1 ? entry.requestBody : entry.body;
    state.kept = 0;
    state.truncated = true;
  }

  #changed(entry: LogEntry): void {
    for (const { listener, when } of this.#listeners) if (when()) listener(this.#filled(entry));
  }
}
