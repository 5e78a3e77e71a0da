/**
 * The server's request log for the dashboard: one entry per request (not per event) with its
 * headers, cookies, status, size, stage timings and, for proxied requests, the first bytes of the
 * response body; the last `keep` requests, kept by the server so a page reload loses nothing.
 * Bodies are capped per entry (`bodyCap`) and in total (`bodyBudget`): the oldest bodies are
 * dropped first.
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
  /** Whether body bytes were kept, and whether they were cut at the cap. */
  body: { kept: number; truncated: boolean };
}

/** Options of {@link RequestLog}. */
export interface RequestLogOptions {
  /** How many requests are kept (default 500; 0 turns the log and its taps off). */
  keep?: number;
  /** Body bytes kept per request (default 256 KiB). */
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
  #bySignal = new WeakMap<AbortSignal, number>();
  #keep: number;
  #bodyCap: number;
  #bodyBudget: number;
  #listeners = new Set<(entry: LogEntry) => void>();
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
      entry.requestHeaders = [...request.headers];
      entry.cookiesSent = (request.headers.get("cookie") ?? "").split(/;\s*/).filter(Boolean)
        .map((pair) => {
          const at = pair.indexOf("=");
          return at < 0
            ? { name: "", value: pair }
            : { name: pair.slice(0, at), value: pair.slice(at + 1) };
        });
      entry.timings.sendHeaders = this.#since(request);
    });
    tap("responseStarted", (request, response) => {
      const entry = this.#entries.get(request.id);
      if (!entry || !response) return;
      entry.status = response.status;
      entry.responseHeaders = [...response.headers].filter(([name]) => name !== "set-cookie");
      entry.cookiesSet = response.headers.getSetCookie();
      entry.mimeType = (response.headers.get("content-type") ?? "").split(";")[0].trim()
        .toLowerCase();
      entry.type = typeOf(entry.mimeType);
      entry.timings.responseStarted = this.#since(request);
      this.#changed(entry);
    });
    // No `completed`/`errorOccurred` taps: those make the pipeline watch every body. The forward
    // proxy says when a request ended (bodyRecorder's null) or failed (failed()).
  }

  /** Calls `listener` whenever an entry starts or changes; returns the function that stops it. */
  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The entries, oldest first. */
  list(): LogEntry[] {
    return [...this.#entries.values()];
  }

  /** One entry, or undefined. */
  get(id: number): LogEntry | undefined {
    return this.#entries.get(id);
  }

  /** The body bytes kept for an entry, or null. */
  body(id: number): Uint8Array | null {
    const chunks = this.#bodies.get(id);
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
    const id = this.#bySignal.get(signal);
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
      const room = Math.min(this.#bodyCap - entry.body.kept, this.#bodyBudget);
      if (room <= 0) {
        entry.body.truncated = true;
        return;
      }
      const kept = chunk.length > room ? chunk.slice(0, room) : chunk.slice();
      if (kept.length < chunk.length) entry.body.truncated = true;
      let chunks = this.#bodies.get(id);
      if (!chunks) this.#bodies.set(id, chunks = []);
      chunks.push(kept);
      entry.body.kept += kept.length;
      this.#bodyBytes += kept.length;
      this.#trimBodies(id);
    };
  }

  /** Records that the request started with `signal` failed with `code` (a net::ERR_* code). */
  failed(signal: AbortSignal, code: string): void {
    const entry = this.#entries.get(this.#bySignal.get(signal) ?? -1);
    if (!entry) return;
    entry.error = code;
    entry.timings.end = this.#sinceStart(entry);
    this.#changed(entry);
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
      mimeType: "",
      type: "other",
      size: 0,
      startedAt: Date.now(),
      timings: {},
      requestHeaders: [...request.headers],
      responseHeaders: [],
      cookiesSent: [],
      cookiesSet: [],
      error: null,
      redirects: 0,
      body: { kept: 0, truncated: false },
    };
    this.#entries.set(request.id, entry);
    this.#bySignal.set(request.signal, request.id);
    while (this.#entries.size > this.#keep) {
      const oldest = this.#entries.keys().next().value!;
      this.#entries.delete(oldest);
      this.#dropBody(oldest);
    }
    this.#changed(entry);
  }

  #since(request: PipelineRequest): number {
    return Math.round((this.#session.now() - request.timestamp) * 1000) / 1000;
  }

  #trimBodies(keep: number): void {
    for (const id of this.#bodies.keys()) {
      if (this.#bodyBytes <= this.#bodyBudget) return;
      if (id === keep) continue;
      this.#dropBody(id);
    }
  }

  #dropBody(id: number): void {
    const chunks = this.#bodies.get(id);
    if (!chunks) return;
    for (const chunk of chunks) this.#bodyBytes -= chunk.length;
    this.#bodies.delete(id);
    const entry = this.#entries.get(id);
    if (entry) entry.body = { kept: 0, truncated: true };
  }

  #changed(entry: LogEntry): void {
    for (const listener of this.#listeners) listener(entry);
  }
}
