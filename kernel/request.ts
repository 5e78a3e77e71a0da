/**
 * The request as the pipeline's taps see it, and the shapes of what taps may answer.
 *
 * @module
 */
import type { PipelineInput } from "./pipeline_input.ts";
import { parseUrl, type UrlParts } from "./url_parts.ts";

/** Chrome's webRequest resource types. */
export type ResourceType =
  | "main_frame"
  | "sub_frame"
  | "stylesheet"
  | "script"
  | "image"
  | "font"
  | "object"
  | "xmlhttprequest"
  | "ping"
  | "csp_report"
  | "media"
  | "websocket"
  | "webtransport"
  | "webbundle"
  | "other";

/** The resource types, for validation. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  "main_frame",
  "sub_frame",
  "stylesheet",
  "script",
  "image",
  "font",
  "object",
  "xmlhttprequest",
  "ping",
  "csp_report",
  "media",
  "websocket",
  "webtransport",
  "webbundle",
  "other",
];

/**
 * A request body as the pipeline keeps it: bytes can be sent again (redirects 307/308, auth),
 * a stream only once.
 */
export type RequestBody = Uint8Array | ReadableStream<Uint8Array>;

/**
 * One request walking the pipeline. The kernel changes `url`, `method`, `headers` and `body`
 * between hops (redirects, auth retries); the `id` stays.
 */
export interface PipelineRequest {
  /** Unique within the session, stable across redirects and auth retries. */
  readonly id: number;
  /** The URL of the current hop. */
  url: string;
  /**
   * The current hop's URL parsed (scheme, host, port, path, query): parsed the first time it is
   * read, once per hop. Throws a TypeError when `url` is not a valid URL.
   */
  readonly urlParts: UrlParts;
  /** The method of the current hop. */
  method: string;
  /** The headers the current hop sends. */
  headers: Headers;
  /** The body of the current hop, or null. */
  body: RequestBody | null;
  /** What kind of resource this is (default `other`). */
  readonly resourceType: ResourceType;
  /** The origin that started the request (used for SameSite), or null for none (browser-initiated). */
  readonly initiator: string | null;
  /** The top-level site's URL for partitioned state (CHIPS), or null. */
  readonly topLevelSite: string | null;
  /** The referrer, or "". */
  referrer: string;
  /** When the request started (ms since the epoch, monotonic within the session). */
  readonly timestamp: number;
  /** How many redirects were followed so far. */
  redirectCount: number;
  /** The URLs of the hops before this one. */
  readonly urlList: string[];
  /** Aborts the request. */
  readonly signal: AbortSignal;
  /** Extra options the caller passed (e.g. `bypassCustomProtocolHandlers`, `useSessionCookies`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Scratch space for plugins, kept for the whole request; key it by a symbol of your own. */
  readonly data: Map<unknown, unknown>;
}

/**
 * The signal of requests that were given none: it never aborts. Transports skip it, since a
 * signal costs fetch a listener per request.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * The pipeline's request object: `urlParts` follows `url`.
 *
 * @example
 * ```ts
 * const request = new HopRequest(1, 0, {
 *   url: "https://example.com/a?b",
 *   method: "GET",
 *   headers: new Headers(),
 *   body: null,
 * });
 * request.urlParts.path; // "/a"
 * request.url = "http://example.com:8080/";
 * request.urlParts.port; // 8080
 * ```
 */
export class HopRequest implements PipelineRequest {
  readonly id: number;
  method: string;
  headers: Headers;
  body: RequestBody | null;
  readonly resourceType: ResourceType;
  readonly initiator: string | null;
  readonly topLevelSite: string | null;
  referrer: string;
  readonly timestamp: number;
  redirectCount = 0;
  readonly urlList: string[] = [];
  readonly signal: AbortSignal;
  readonly options: Readonly<Record<string, unknown>>;
  readonly data: Map<unknown, unknown> = new Map();
  #url: string;
  #parts: UrlParts | null = null;

  /** A request for `input`, with its id and start time. */
  constructor(id: number, timestamp: number, input: PipelineInput) {
    this.id = id;
    this.#url = input.url;
    this.method = input.method;
    this.headers = input.headers;
    this.body = input.body;
    this.resourceType = input.resourceType ?? "other";
    this.initiator = input.initiator ?? null;
    this.topLevelSite = input.topLevelSite ?? null;
    this.referrer = input.referrer ?? "";
    this.timestamp = timestamp;
    this.signal = input.signal ?? NEVER_ABORTED;
    this.options = input.options ?? {};
  }

  /** The URL of the current hop. */
  get url(): string {
    return this.#url;
  }

  set url(url: string) {
    this.#url = url;
    this.#parts = null;
  }

  /** The current hop's URL parsed, once per hop. */
  get urlParts(): UrlParts {
    if (this.#parts === null) {
      this.#parts = parseUrl(this.#url);
      if (this.#parts === null) throw new TypeError(`Invalid URL "${this.#url.slice(0, 200)}"`);
    }
    return this.#parts;
  }
}

/** What a `beforeRequest` tap may answer. */
export interface BeforeRequestResult {
  /** Why it cancelled, shown in the error (e.g. `rule 7 (dynamic)`). */
  reason?: string;
  /** Cancels the request with `net::ERR_BLOCKED_BY_CLIENT`. */
  cancel?: boolean;
  /** Redirects the request before it is sent. */
  redirectUrl?: string;
}

/** What a `beforeSendHeaders` tap may answer. */
export interface BeforeSendHeadersResult {
  /** Why it cancelled, shown in the error (e.g. `rule 7 (dynamic)`). */
  reason?: string;
  /** Cancels the request. */
  cancel?: boolean;
  /** The complete set of headers to send instead. */
  requestHeaders?: HeadersInit;
}

/** What a `headersReceived` tap may answer. */
export interface HeadersReceivedResult {
  /** Why it cancelled, shown in the error (e.g. `rule 7 (dynamic)`). */
  reason?: string;
  /** Cancels the request. */
  cancel?: boolean;
  /** Redirects the request to another URL. */
  redirectUrl?: string;
  /** The complete set of response headers to use instead. */
  responseHeaders?: HeadersInit;
  /** Replaces the status line's code (rarely needed). */
  statusCode?: number;
}

/** A user name and password answering an authentication challenge. */
export interface AuthCredentials {
  /** The user name. */
  username: string;
  /** The password. */
  password: string;
}

/** What an `authRequired` tap may answer: credentials, a cancel, or nothing (next tap). */
export type AuthRequiredResult =
  | { username: string; password: string }
  | { cancel: true }
  | undefined
  | null
  | void;

/** A parsed `WWW-Authenticate` / `Proxy-Authenticate` challenge. */
export interface AuthChallenge {
  /** Whether the challenge came from a proxy (407). */
  isProxy: boolean;
  /** The scheme in lower case, e.g. `basic`, `digest`. */
  scheme: string;
  /** The host that asked. */
  host: string;
  /** Its port. */
  port: number;
  /** The realm, or "". */
  realm: string;
  /** Every parameter of the challenge, names in lower case. */
  params: Record<string, string>;
}

/**
 * The Headers a request starts with. It remembers whether anything was ever put in it, so that a
 * transport can leave an empty set out of fetch (converting even an empty Headers costs Deno's
 * fetch a sorted copy per request).
 *
 * @example
 * ```ts
 * const headers = new RequestHeaders();
 * headers.mayHaveEntries; // false
 * headers.set("x-a", "1");
 * headers.mayHaveEntries; // true
 * ```
 */
export class RequestHeaders extends Headers {
  #mayHaveEntries: boolean;

  /** Like `new Headers(init)`. */
  constructor(init?: HeadersInit) {
    super(init);
    this.#mayHaveEntries = init !== undefined;
  }

  /** False only while nothing was ever added. */
  get mayHaveEntries(): boolean {
    return this.#mayHaveEntries;
  }

  /** Like `Headers.set`. */
  override set(name: string, value: string): void {
    super.set(name, value);
    this.#mayHaveEntries = true;
  }

  /** Like `Headers.append`. */
  override append(name: string, value: string): void {
    super.append(name, value);
    this.#mayHaveEntries = true;
  }
}
