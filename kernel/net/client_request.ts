/**
 * `ClientRequest` (`net.request()`): Electron's HTTP client on the session's request pipeline,
 * with its events (`response`, `login`, `redirect`, `finish`, `abort`, `error`, `close` last),
 * header rules, buffered or chunked bodies, and `followRedirect()`.
 *
 * @module
 */
import type { NetError } from "../errors.ts";
import { toNetError } from "../http/to_net_error.ts";
import { checkReferrerPolicy } from "../http/referrer_policy.ts";
import { NetError as NetErrorClass } from "../errors.ts";
import { fromPartition } from "../partitions.ts";
import type {
  AuthChallenge,
  AuthCredentials,
  PipelineRequest,
  RedirectMode,
  RequestBody,
} from "../request.ts";
import { Session } from "../session.ts";
import { BodyQueue } from "./_body_queue.ts";
import { electronError } from "./_electron_error.ts";
import {
  type AuthInfo,
  buildUrl,
  checkHeader,
  type ClientRequestOptions,
  concat,
  toBytes,
  TOKEN,
  type UploadProgress,
  wireHeaderValue,
} from "./_request_parts.ts";
import { NodeEmitter } from "../events.ts";
import { abortMessage, bufferUnread, headersRecord, IncomingMessage } from "./incoming_message.ts";
import "./digest.ts";

export type { AuthInfo, ClientRequestOptions, UploadProgress } from "./_request_parts.ts";

/** fetch's forbidden methods, which no runtime's fetch sends as they are. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Sessions whose plugins are set up (saves a wait per request). */
const readySessions = new WeakSet<Session>();
/** The callback of `write()`: called once the chunk was handed on, or with the error. */
export type WriteCallback = (error?: Error | null) => void;

/**
 * An HTTP request, as Electron's `net.request()` returns. It walks the session's pipeline
 * (cookies only with `useSessionCookies`, webRequest, proxy, protocol handlers).
 *
 * @example
 * ```ts
 * import { ClientRequest } from "./client_request.ts";
 * const request = new ClientRequest({ method: "POST", url: "http://127.0.0.1:8000/upload" });
 * request.setHeader("Content-Type", "text/plain");
 * request.on("response", (response) => {
 *   response.on("data", (chunk) => console.log(`${chunk}`));
 *   response.on("end", () => console.log("done"));
 * });
 * request.on("error", (error) => console.error(error.code));
 * request.end("hello");
 * ```
 */
export class ClientRequest extends NodeEmitter {
  #url: string;
  #method: string;
  #headers = new Map<
    string,
    { name: string; value: string; raw: string | number | readonly string[] }
  >();
  #session: Session;
  #redirect: RedirectMode;
  #options: Record<string, unknown>;
  #onAuth: boolean;
  #origin: string | null;
  #chunked: boolean | undefined;
  #firstWrite = false;
  #started = false;
  #ended = false;
  #finished = false;
  #closed = false;
  #aborted = false;
  #buffered: Uint8Array[] = [];
  #queue: BodyQueue | null = null;
  #controller = new AbortController();
  #response: IncomingMessage | null = null;
  #followRedirect: (() => void) | null = null;
  #redirectCancelled = false;
  /** The URLs traversed: the request's, then each followed redirect's (`response.urlList`). */
  #urlList: string[] = [];
  #progress: UploadProgress = { active: false, started: false, current: 0, total: 0 };

  /** Makes a request; nothing is sent before `write()` or `end()`. */
  constructor(
    options: ClientRequestOptions | string | URL,
    callback?: (response: IncomingMessage) => void,
  ) {
    super();
    const opts: ClientRequestOptions = typeof options === "string" || options instanceof URL
      ? { url: String(options) }
      : options;
    if (opts === null || typeof opts !== "object") {
      throw new TypeError("ClientRequest: options must be a URL string or an object");
    }
    const href = buildUrl(opts);
    // `user:pass@` is not sent: as in Chromium, it answers the server's first challenge and
    // joins the session's auth cache.
    let urlCredentials: { username: string; password: string } | undefined;
    if (href.includes("@")) {
      const url = new URL(href);
      if (url.username || url.password) {
        urlCredentials = {
          username: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        };
        url.username = "";
        url.password = "";
      }
      this.#url = url.href;
    } else this.#url = href;
    this.#urlList.push(this.#url);
    const method = opts.method ?? "GET";
    if (typeof method !== "string" || !TOKEN.test(method)) {
      throw new TypeError(`ClientRequest: invalid method "${String(method)}"`);
    }
    this.#method = method.toUpperCase();
    if (FORBIDDEN_METHODS.has(this.#method)) {
      // As ses.fetch: the runtimes' fetch refuses these (Deno) or sends another method (Bun).
      throw new TypeError(`ClientRequest: the method ${this.#method} is forbidden`);
    }
    const redirect = opts.redirect ?? "follow";
    if (redirect !== "follow" && redirect !== "error" && redirect !== "manual") {
      throw new TypeError("redirect mode should be one of follow, error or manual");
    }
    this.#redirect = redirect;
    // As Electron: null is absent, and partition counts only without a session.
    if (opts.session != null && !(opts.session instanceof Session)) {
      throw new TypeError("`session` should be an instance of the Session class");
    }
    if (opts.session == null && opts.partition != null && typeof opts.partition !== "string") {
      throw new TypeError("`partition` should be a string");
    }
    this.#session = opts.session ?? fromPartition(opts.partition ?? "");
    const credentials = opts.credentials;
    if (credentials !== undefined && !["include", "omit", "same-origin"].includes(credentials)) {
      throw new TypeError(
        `ClientRequest: credentials must be "include", "omit" or "same-origin", got "${credentials}"`,
      );
    }
    if (credentials === "same-origin" && !opts.origin) {
      throw new TypeError("credentials: same-origin requires origin to be set");
    }
    this.#origin = opts.origin ?? null;
    const referrerPolicy = opts.referrerPolicy === undefined
      ? ""
      : checkReferrerPolicy(opts.referrerPolicy, "ClientRequest: referrerPolicy");
    this.#onAuth = credentials !== "omit";
    const useSessionCookies = credentials === undefined
      ? opts.useSessionCookies === true
      : credentials !== "omit";
    this.#options = {
      useSessionCookies,
      credentials: credentials ?? null,
      origin: this.#origin,
      referrerPolicy,
      cache: opts.cache,
      priority: opts.priority,
      bypassCustomProtocolHandlers: opts.bypassCustomProtocolHandlers === true,
      clientRequest: true,
    };
    if (urlCredentials) this.#options.urlCredentials = urlCredentials;
    if (opts.headers !== undefined) {
      if (opts.headers === null || typeof opts.headers !== "object") {
        throw new TypeError("headers must be an object");
      }
      for (const [name, value] of Object.entries(opts.headers)) this.setHeader(name, value);
    }
    if (callback) this.once("response", callback);
  }

  /** `response`: the {@link IncomingMessage}. */
  override on(event: "response", listener: (response: IncomingMessage) => void): this;
  /** `login`: a 401/407 challenge; call `callback(username, password)`, or `callback()` to give up. */
  override on(
    event: "login",
    listener: (
      authInfo: AuthInfo,
      callback: (username?: string, password?: string) => void,
    ) => void,
  ): this;
  /** `redirect`: in `manual` mode, call `followRedirect()` synchronously to follow it. */
  override on(
    event: "redirect",
    listener: (
      statusCode: number,
      method: string,
      redirectUrl: string,
      responseHeaders: Record<string, string[]>,
    ) => void,
  ): this;
  /** `error`: the request failed (a `NetError`); `close` follows. */
  override on(event: "error", listener: (error: NetError) => void): this;
  /**
   * `upload-progress`: `(current, total)` bytes of the body handed to the network, as Electron's
   * URL loader reports them (for a buffered body once, when it was sent whole).
   */
  override on(event: "upload-progress", listener: (current: number, total: number) => void): this;
  /** `finish`, `abort`, `drain`, `close` (always last). */
  override on(event: "finish" | "abort" | "drain" | "close", listener: () => void): this;
  /** Any other event. */
  // deno-lint-ignore no-explicit-any
  override on(event: string, listener: (...args: any[]) => unknown): this;
  /** Adds a listener. */
  // deno-lint-ignore no-explicit-any
  override on(event: string, listener: (...args: any[]) => unknown): this {
    return super.on(event, listener);
  }

  /** Like `on`, for one call. */
  override once(event: "response", listener: (response: IncomingMessage) => void): this;
  /** Like `on`, for one call. */
  override once(event: "error", listener: (error: NetError) => void): this;
  /** Like `on`, for one call. */
  // deno-lint-ignore no-explicit-any
  override once(event: string, listener: (...args: any[]) => unknown): this;
  /** Adds a listener removed after its first call. */
  // deno-lint-ignore no-explicit-any
  override once(event: string, listener: (...args: any[]) => unknown): this {
    return super.once(event, listener);
  }

  /** Whether the body is sent with chunked transfer encoding (streamed) rather than buffered. */
  get chunkedEncoding(): boolean {
    return this.#chunked ?? false;
  }

  /** Settable once, before the first write; throws afterwards. */
  set chunkedEncoding(value: boolean) {
    if (this.#firstWrite || this.#started) {
      throw new Error("chunkedEncoding can only be set before the request is started");
    }
    if (this.#chunked !== undefined) throw new Error("chunkedEncoding can only be set once");
    this.#chunked = Boolean(value);
  }

  /**
   * Sets a header (the name is kept as given). Throws after the first write, for an invalid
   * name or value, and for the headers the network stack owns (naming the header).
   */
  setHeader(name: string, value: string | number | readonly string[]): void {
    if (this.#firstWrite || this.#started) {
      throw new Error("Can't set headers after they are sent");
    }
    const { key, text } = checkHeader(name, value);
    this.#headers.set(key, { name, value: text, raw: value });
  }

  /**
   * The value of a header set on this request (case-insensitive) as it was set (a number stays a
   * number), or undefined.
   */
  getHeader(name: string): string | number | readonly string[] | undefined {
    if (typeof name !== "string") throw new TypeError("`name` is required for getHeader(name)");
    return this.#headers.get(name.toLowerCase())?.raw;
  }

  /** Removes a header; throws after the first write. */
  removeHeader(name: string): void {
    if (typeof name !== "string") {
      throw new TypeError("`name` is required for removeHeader(name)");
    }
    if (this.#firstWrite || this.#started) {
      throw new Error("Can't remove headers after they are sent");
    }
    this.#headers.delete(name.toLowerCase());
  }

  /**
   * Adds a chunk to the body (a string in `encoding`, default UTF-8, or bytes). The first write
   * locks the headers; with `chunkedEncoding` it starts the request and the body streams. Returns
   * false when the caller should wait for `drain` (or the callback) before writing more. Throws
   * after `end()`.
   */
  write(
    chunk: string | Uint8Array | ArrayBuffer,
    encoding?: string | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    if (typeof encoding === "function") [callback, encoding] = [encoding, undefined];
    if (this.#ended) throw new Error("Write after end");
    const bytes = toBytes(chunk, encoding);
    this.#firstWrite = true;
    if (this.#closed || this.#aborted) {
      const error = new NetErrorClass("net::ERR_ABORTED", "The request is closed");
      if (callback) queueMicrotask(() => callback(error));
      return false;
    }
    if (this.#chunked) {
      this.#progress.total += bytes.byteLength;
      const queue = this.#queue ?? this.#startStreaming();
      return queue.push(bytes, callback);
    }
    this.#buffered.push(bytes);
    if (callback) queueMicrotask(() => callback(null));
    return true;
  }

  /**
   * Ends the body (after an optional last chunk) and, for a buffered body, sends the request.
   * `callback` runs on `finish`.
   */
  end(
    chunk?: string | Uint8Array | ArrayBuffer | (() => void) | null,
    encoding?: string | (() => void),
    callback?: () => void,
  ): this {
    if (typeof chunk === "function") [callback, chunk] = [chunk, undefined];
    if (typeof encoding === "function") [callback, encoding] = [encoding, undefined];
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (this.#ended) return this;
    this.#ended = true;
    if (callback) this.once("finish", callback);
    if (this.#aborted || this.#closed) return this;
    if (this.#chunked && this.#firstWrite) {
      (this.#queue ?? this.#startStreaming()).close();
      return this;
    }
    const body = concat(this.#buffered);
    this.#buffered = [];
    this.#progress.total = body?.byteLength ?? 0;
    queueMicrotask(() => this.#finish());
    this.#start(body);
    return this;
  }

  /**
   * Aborts the request: `abort`, the open response's `aborted`, then `close`. No effect once
   * `close` was emitted.
   */
  abort(): void {
    if (this.#closed || this.#aborted) return;
    this.#aborted = true;
    this.#controller.abort(new DOMException("The request was aborted", "AbortError"));
    this.#queue?.fail(new NetErrorClass("net::ERR_ABORTED", "The request was aborted"));
    const announce = this.#response ? abortMessage(this.#response) : null;
    queueMicrotask(() => {
      this.emit("abort");
      announce?.();
      this.#close();
    });
  }

  /**
   * Follows the redirect being reported; only valid synchronously inside a `redirect` listener
   * (in `manual` mode the redirect is cancelled otherwise). Throws elsewhere.
   */
  followRedirect(): void {
    if (!this.#followRedirect) {
      throw new Error("followRedirect() called, but was not waiting for a redirect");
    }
    this.#followRedirect();
  }

  /** How far the upload went. */
  getUploadProgress(): UploadProgress {
    return { ...this.#progress };
  }

  /** Reports what a listener threw. */
  protected override listenerFailed(error: unknown, eventName: string): void {
    this.#session.reportError(error);
    void eventName;
  }

  #startStreaming(): BodyQueue {
    const queue = new BodyQueue({
      pulled: (bytes) => {
        this.#progress.started = true;
        this.#progress.current += bytes;
        this.emit("upload-progress", this.#progress.current, this.#progress.total);
      },
      drain: () => this.emit("drain"),
      finished: () => this.#finish(),
    });
    this.#queue = queue;
    this.#start(queue.stream);
    return queue;
  }

  #start(body: RequestBody | null): void {
    this.#started = true;
    this.#progress.active = true;
    if (body instanceof Uint8Array) this.#progress.started = true;
    void this.#run(body);
  }

  #finish(): void {
    if (this.#finished || this.#aborted) return;
    this.#finished = true;
    this.emit("finish");
  }

  async #run(body: RequestBody | null): Promise<void> {
    const ses = this.#session;
    try {
      // Always wait once: no event may fire inside write() or end().
      if (readySessions.has(ses)) await undefined;
      else {
        await ses.ready;
        readySessions.add(ses);
      }
      if (this.#aborted || this.#closed) return;
      const headers = new Headers();
      // The names as set, in the order set: fetch's Headers keep neither; webRequest shows these.
      const headerNames: string[] = [];
      for (const { name, value } of this.#headers.values()) {
        headers.set(name, wireHeaderValue(value));
        headerNames.push(name);
      }
      // As Electron: without the origin option, an Origin header set on the request is its origin.
      const origin = this.#origin || this.#headers.get("origin")?.value || null;
      const response = await ses.pipeline.run({
        url: this.#url,
        method: this.#method,
        headers,
        body,
        // "error" is refused in #onRedirect, with Electron's error.
        redirect: "manual",
        signal: this.#controller.signal,
        initiator: origin,
        // As Electron: a Referer header set on the request is its referrer, sent after its policy.
        referrer: this.#headers.get("referer")?.value ?? "",
        referrerPolicy: this.#options.referrerPolicy as string,
        options: { ...this.#options, origin, headerNames },
        onRedirect: (request, res, url) => this.#onRedirect(request, res, url),
        onAuth: this.#onAuth ? (_request, challenge) => this.#login(challenge) : undefined,
      });
      if (this.#aborted) {
        response.body?.cancel().catch(() => {});
        return;
      }
      if (this.#redirectCancelled) {
        response.body?.cancel().catch(() => {});
        return this.#die(
          new NetErrorClass("net::ERR_FAILED"),
          this.#redirect === "error"
            ? "Attempted to redirect, but redirect policy was 'error'"
            : "Redirect was cancelled",
        );
      }
      if (body instanceof Uint8Array) {
        this.#progress.current = body.byteLength;
        this.emit("upload-progress", body.byteLength, body.byteLength);
      }
      const message = new IncomingMessage(response, {
        signal: this.#controller.signal,
        onDone: (error) => (error ? this.#die(error) : this.#close()),
        onListenerError: (error) => this.#session.reportError(error),
        urlList: this.#urlList,
      });
      this.#response = message;
      this.emit("response", message);
      bufferUnread(message);
    } catch (error) {
      if (this.#aborted) return;
      this.#die(toNetError(error, this.#controller.signal));
    }
  }

  #onRedirect(request: PipelineRequest, response: Response, url: string): boolean {
    if (this.#redirect === "error") {
      this.#redirectCancelled = true;
      return false;
    }
    const status = response.status;
    const method = (status === 303 && request.method !== "HEAD") ||
        ((status === 301 || status === 302) && request.method === "POST")
      ? "GET"
      : request.method;
    let follow = this.#redirect === "follow";
    this.#followRedirect = () => {
      follow = true;
    };
    try {
      this.emit("redirect", status, method, url, headersRecord(response.headers));
    } finally {
      this.#followRedirect = null;
    }
    if (this.#aborted) return false;
    if (!follow) this.#redirectCancelled = true;
    else this.#urlList.push(url);
    return follow;
  }

  #login(challenge: AuthChallenge): Promise<AuthCredentials | null> {
    if (this.#aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      let answered = false;
      const callback = (username?: string, password?: string) => {
        if (answered) return;
        answered = true;
        this.#controller.signal.removeEventListener("abort", cancel);
        resolve(
          username === undefined || password === undefined
            ? null
            : { username: String(username), password: String(password) },
        );
      };
      const cancel = () => callback();
      this.#controller.signal.addEventListener("abort", cancel, { once: true });
      const authInfo: AuthInfo = {
        isProxy: challenge.isProxy,
        scheme: challenge.scheme,
        host: challenge.host,
        port: challenge.port,
        realm: challenge.realm,
      };
      if (!this.emit("login", authInfo, callback)) callback();
    });
  }

  /**
   * Ends the request with an error. As in Electron, the error's message is the bare code
   * (`net::ERR_EMPTY_RESPONSE`) or Electron's own sentence; the detail stays in `cause`.
   */
  #die(error: NetError, message: string = error.code): void {
    if (this.#closed) return;
    this.#queue?.fail(error);
    this.#progress.active = false;
    this.#closed = true;
    error = electronError(error, message);
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else this.#session.reportError(error);
    this.emit("close");
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#progress.active = false;
    this.emit("close");
  }
}
