/**
 * The request as the pipeline's taps see it, what starts one, what taps receive and may answer
 * stage by stage, and what the pipeline needs from its session.
 *
 * @module
 */
import type { HookError, NetError } from "./errors.ts";
import type { Pipeline, Stage } from "./pipeline.ts";
import type { HttpTransport } from "./transport.ts";

/** Chrome's webRequest resource types. */
// deno-fmt-ignore
export const RESOURCE_TYPES = [
  "main_frame", "sub_frame", "stylesheet", "script", "image", "font", "object",
  "xmlhttprequest", "ping", "csp_report", "media", "websocket", "webtransport", "webbundle",
  "other",
] as const;
/** A Chrome webRequest resource type. */
export type ResourceType = typeof RESOURCE_TYPES[number];

/** The parts of a URL, canonical as `URL` makes them (`kernel/http/url_parts.ts` parses them). */
export interface UrlParts {
  /** The scheme without `:`, lower case (`https`). */ readonly scheme: string;
  /** The host, lower case, IPv6 in brackets; `""` when none. */ readonly host: string;
  /** The explicit port, else the scheme's default (http/ws 80, https/wss 443, ftp 21), else -1. */
  readonly port: number;
  /** The path (`/` at least for http-like URLs; the opaque path of `data:`). */
  readonly path: string;
  /** The query with its `?`, or `""`. */ readonly query: string;
}

/** A request body: bytes can be sent again (307/308 redirects, auth retries), a stream once. */
export type RequestBody = Uint8Array | ReadableStream<Uint8Array>;

/** One request walking the pipeline; `url`, `method`, `headers`, `body` change between hops. */
export interface PipelineRequest {
  /** Unique within the session, stable across redirects and auth retries. */ readonly id: number;
  /** The URL of the current hop. */ url: string;
  /** `url` parsed once per hop; throws a TypeError when `url` is invalid. */
  readonly urlParts: UrlParts;
  /** The method of the current hop. */ method: string;
  /** The headers the current hop sends. */ headers: Headers;
  /** The body of the current hop, or null. */ body: RequestBody | null;
  /** What kind of resource this is (default `other`). */ readonly resourceType: ResourceType;
  /** The origin that started the request (for SameSite), or null. */
  readonly initiator: string | null;
  /** The top-level site for partitioned state (CHIPS), or null. */
  readonly topLevelSite: string | null;
  /** The referrer, or "". */ referrer: string;
  /** When it started (ms since the epoch, monotonic within the session). */
  readonly timestamp: number;
  /** How many redirects were followed so far. */ redirectCount: number;
  /** The URLs of the hops before this one. */ readonly urlList: string[];
  /** Aborts the request. */ readonly signal: AbortSignal;
  /** Extra options of the caller (`bypassCustomProtocolHandlers`, `useSessionCookies`, ...). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Scratch space for plugins for the whole request; key it by a symbol of your own. */
  readonly data: Map<unknown, unknown>;
}

/** What a blocking tap may answer to cancel the request (`net::ERR_BLOCKED_BY_CLIENT`). */
export interface CancelResult {
  /** Cancels the request. */ cancel?: boolean;
  /** Why it cancelled, shown in the error (e.g. `rule 7 (dynamic)`). */ reason?: string;
}

/** What a `beforeRequest` tap may answer. */
export interface BeforeRequestResult extends CancelResult {
  /** Redirects the request before it is sent. */ redirectUrl?: string;
}

/** What a `beforeSendHeaders` tap may answer. */
export interface BeforeSendHeadersResult extends CancelResult {
  /** The complete set of headers to send instead. */ requestHeaders?: HeadersInit;
}

/** What a `headersReceived` tap may answer. */
export interface HeadersReceivedResult extends BeforeRequestResult {
  /** The complete set of response headers to use instead. */ responseHeaders?: HeadersInit;
  /** Replaces the status line's code (rarely needed). */ statusCode?: number;
}

/** A user name and password answering an authentication challenge. */
export interface AuthCredentials {
  /** The user name. */ username: string;
  /** The password. */ password: string;
}

/** What an `authRequired` tap may answer: credentials, a cancel, or nothing (next tap). */
export type AuthRequiredResult = AuthCredentials | { cancel: true } | undefined | null | void;

/** A parsed `WWW-Authenticate` / `Proxy-Authenticate` challenge. */
export interface AuthChallenge {
  /** Whether it came from a proxy (407). */ isProxy: boolean;
  /** The scheme in lower case, e.g. `basic`, `digest`. */ scheme: string;
  /** The host that asked. */ host: string;
  /** Its port. */ port: number;
  /** The realm, or "". */ realm: string;
  /** Every parameter, names in lower case. */ params: Record<string, string>;
}

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What a tap of each stage receives and may answer (its kind is in `STAGE_KINDS`). */
export interface StageHandlers {
  /** May cancel or redirect before anything is sent. */
  beforeRequest: (request: PipelineRequest) => MaybePromise<BeforeRequestResult | void>;
  /** May cancel or change the headers. */
  beforeSendHeaders: (request: PipelineRequest) => MaybePromise<BeforeSendHeadersResult | void>;
  /** The headers are final. */
  sendHeaders: (request: PipelineRequest) => void;
  /**
   * A TransformStream the request body streams through, or null to leave it alone (called only
   * for a request with a body).
   */
  requestBody: (
    request: PipelineRequest,
  ) => MaybePromise<TransformStream<Uint8Array, Uint8Array> | null | void>;
  /** Answers the request with a Response, or passes with undefined. */
  transport: (request: PipelineRequest) => MaybePromise<Response | undefined | void>;
  /** May cancel, redirect or change the response headers. */
  headersReceived: (
    r: PipelineRequest,
    res: Response,
  ) => MaybePromise<HeadersReceivedResult | void>;
  /** Answers a 401/407 challenge with credentials or a cancel. */
  authRequired: (
    request: PipelineRequest,
    response: Response,
    challenge: AuthChallenge,
  ) => MaybePromise<AuthRequiredResult>;
  /** A redirect is about to be followed. */
  beforeRedirect: (request: PipelineRequest, response: Response, redirectUrl: string) => void;
  /**
   * A TransformStream the (decoded) response body streams through, or null to leave it alone
   * (called for the final response only, when it has a body).
   */
  responseBody: (
    request: PipelineRequest,
    response: Response,
  ) => MaybePromise<TransformStream<Uint8Array, Uint8Array> | null | void>;
  /** The response is about to be handed over. */
  responseStarted: (request: PipelineRequest, response: Response) => void;
  /** The response body was received completely. */
  completed: (request: PipelineRequest, response: Response) => void;
  /** The request failed. */
  errorOccurred: (request: PipelineRequest, error: NetError) => void;
}

/** Where a tap runs among the taps of its stage. */
export type TapOrder = "pre" | "normal" | "post";

/** Options of a tap. */
export interface TapOptions {
  /** pre -> normal -> post, then install order (default `normal`). */ order?: TapOrder;
  /** A cheap test: the tap is skipped for requests it returns false for. */
  filter?: (request: PipelineRequest) => boolean;
  /** A name for reports and traces (default: the plugin's name). */ label?: string;
  /**
   * For `completed`/`errorOccurred` taps (default true): false when the tap needs no word of the
   * body's end (only failures before the response), so the pipeline need not watch every body.
   */
  watchBody?: boolean;
}

/** A tap as the pipeline keeps it. */
export interface Tap<S extends Stage = Stage> {
  /** The stage. */ readonly stage: S;
  /** The handler. */ readonly fn: StageHandlers[S];
  /** The plugin that installed it. */ readonly plugin: string;
  /** Its label. */ readonly label: string;
  /** Install order (larger is more recent). */ readonly seq: number;
  /** 0 pre, 1 normal, 2 post. */ readonly rank: number;
  /** Optional filter. */ readonly filter?: (request: PipelineRequest) => boolean;
  /** For a group's place in the list: the group's taps that apply to the request. */
  readonly members?: (request: PipelineRequest) => readonly Tap<S>[];
}

/**
 * Many taps of one plugin and stage chosen per request in one call instead of a filter per tap
 * (webRequest listeners by the thousand); each keeps its own install order for conflicts.
 */
export interface TapGroup<S extends Stage = Stage> {
  /** Makes a tap of the group (the next install order). */
  add(fn: StageHandlers[S], label: string): Tap<S>;
  /** Removes the group from the pipeline. */
  remove(): void;
}

/** What a tap answered for a request, for traces (`webRequest.explain`) and the net log. */
export interface Decision {
  /** The request. */ requestId: number;
  /** The stage. */ stage: Stage;
  /** The tap's plugin. */ plugin: string;
  /** The tap's label. */ label: string;
  /** What it answered (undefined when it passed). */ result: unknown;
  /** Whether its answer was applied. */ applied: boolean;
  /** Who won when it was not applied. */ winner?: string | null;
  /** The error it threw, if any. */ error?: unknown;
}

/** A blocking tap's action that lost a conflict to another tap's. */
export interface IgnoredAction {
  /** The plugin whose action was ignored. */ plugin: string;
  /** The tap's label. */ label: string;
  /** `redirect`, `requestHeaders` or `responseHeaders`. */ action: string;
  /** The plugin (and label) whose action won, when one did. */ winner: string | null;
}

/** How a request follows redirects (as in fetch). */
export type RedirectMode = "follow" | "error" | "manual";

/** What starts a request in the pipeline. */
export interface PipelineInput {
  /** Absolute URL. */ url: string;
  /** Method (upper case for the standard ones). */ method: string;
  /** Headers to send. */ headers: Headers;
  /** Body, or null. */ body: RequestBody | null;
  /** `follow` (default), `error`, or `manual` (the redirect is returned). */
  redirect?: RedirectMode;
  /** Aborts the request with `net::ERR_ABORTED`. */ signal?: AbortSignal;
  /** Chrome's resource type (default `other`). */ resourceType?: ResourceType;
  /** The initiating origin, or null. */ initiator?: string | null;
  /** The top-level site for partitioned state, or null. */ topLevelSite?: string | null;
  /** The referrer. */ referrer?: string;
  /** Extra options visible to taps. */ options?: Record<string, unknown>;
  /** In `manual` mode, asked before returning a redirect: true follows it (`followRedirect()`). */
  onRedirect?: (request: PipelineRequest, response: Response, url: string) => boolean;
  /**
   * Asked for credentials on a 401/407 challenge of a supported scheme after the `authRequired`
   * taps passed (Chrome asks extensions, then the login prompt; ClientRequest's `login` event):
   * credentials retry the request, null or undefined return the 401/407.
   */
  onAuth?: (
    request: PipelineRequest,
    challenge: AuthChallenge,
    response: Response,
  ) => MaybePromise<AuthCredentials | null | undefined>;
  /** Told when the request ends (after `completed`/`errorOccurred` taps). */
  onEnd?: (request: PipelineRequest, error: NetError | null) => void;
  /** Called with the request as soon as it exists (e.g. to learn its id). */
  onStart?: (request: PipelineRequest) => void;
}

/** What the pipeline needs from its session. */
export interface PipelineHost {
  /** The next request id. */ nextId(): number;
  /** The session's clock (ms since the epoch, never going back). */ now(): number;
  /** The transport used when no `transport` tap answers. */ transport(): HttpTransport;
  /** Walks requests through the stages (`kernel/http`). */ readonly http: HttpLayer;
  /** Reports a tap that threw. */
  reportHookError(error: HookError, request: PipelineRequest | null): void;
  /** Reports an action that lost a conflict. */
  reportIgnored(request: PipelineRequest, stage: Stage, action: IgnoredAction): void;
}

/** `RequestInit` plus the options websession understands (`ses.fetch`, `net.fetch`). */
export interface SessionFetchInit extends RequestInit {
  /** Electron's option: skip `protocol.handle` handlers and go to the network. */
  bypassCustomProtocolHandlers?: boolean;
  /** Chrome's resource type for webRequest filters and rules (default `other`). */
  resourceType?: ResourceType;
  /** The initiating origin (for SameSite and initiator conditions). */ initiator?: string | null;
  /** The top-level site (for partitioned cookies). */ topLevelSite?: string | null;
  /** Whether the session's cookies are sent and stored (default true for `ses.fetch`). */
  useSessionCookies?: boolean;
}

/**
 * How a request walks the stages, from fetch's arguments to the response handed over: the
 * contract of the kernel's HTTP layer (`httpLayer` of `kernel/http`), given by `configure({ http })`.
 *
 * @example
 * ```ts
 * import { httpLayer } from "./http/mod.ts";
 * const layer: HttpLayer = httpLayer;
 * ```
 */
export interface HttpLayer {
  /** fetch's arguments as a pipeline input (a TypeError names a bad one). */
  prepare(
    input: string | URL | Request,
    init?: SessionFetchInit,
  ): PipelineInput | Promise<PipelineInput>;
  /** Walks one request through `pipeline`'s stages to its response. */
  run(pipeline: Pipeline, input: PipelineInput): Promise<Response>;
}
