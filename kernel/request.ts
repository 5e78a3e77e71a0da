/**
 * The request as taps see it, what they may answer stage by stage, what starts a request, and
 * what the pipeline needs from its session.
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

/** A URL's parts, canonical as `URL` makes them (`kernel/http/url_parts.ts` parses them). */
export interface UrlParts {
  /** The scheme without `:`, lower case. */ readonly scheme: string;
  /** The host, lower case, IPv6 in brackets; `""` when none. */ readonly host: string;
  /** The explicit port, else the scheme's default (80, 443, ftp 21), else -1. */
  readonly port: number;
  /** The path (`/` at least for http-like URLs). */ readonly path: string;
  /** The query with its `?`, or `""`. */ readonly query: string;
}

/** A request body: bytes can be sent again (307/308, auth retries), a stream once. */
export type RequestBody = Uint8Array | ReadableStream<Uint8Array>;

/** One request walking the pipeline; `url`, `method`, `headers`, `body` change between hops. */
export interface PipelineRequest {
  /** Unique in the session, kept across redirects and auth retries. */ readonly id: number;
  /** The current hop's URL. */ url: string;
  /** `url` parsed once per hop (a TypeError when invalid). */ readonly urlParts: UrlParts;
  /** The current hop's method. */ method: string;
  /** The current hop's headers. */ headers: Headers;
  /** The current hop's body, or null. */ body: RequestBody | null;
  /** The resource type (default `other`). */ readonly resourceType: ResourceType;
  /** The initiating origin (SameSite), or null. */ readonly initiator: string | null;
  /** The top-level site (CHIPS), or null. */ readonly topLevelSite: string | null;
  /** The current hop's referrer, as sent in `Referer` (after its policy), or "". */
  referrer: string;
  /** When it started (the session's clock). */ readonly timestamp: number;
  /** Redirects followed so far. */ redirectCount: number;
  /** The URLs of the earlier hops. */ readonly urlList: string[];
  /** Aborts the request. */ readonly signal: AbortSignal;
  /** The caller's extra options (`useSessionCookies`, ...). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Plugins' scratch space for the request; key it by a symbol of your own. */
  readonly data: Map<unknown, unknown>;
}

/** What a blocking tap may answer to cancel (`net::ERR_BLOCKED_BY_CLIENT`). */
export interface CancelResult {
  /** Cancels the request. */ cancel?: boolean;
  /** Why, shown in the error (e.g. `rule 7 (dynamic)`). */ reason?: string;
}

/** What a `beforeRequest` tap may answer. */
export interface BeforeRequestResult extends CancelResult {
  /** Redirects before anything is sent. */ redirectUrl?: string;
}

/** What a `beforeSendHeaders` tap may answer. */
export interface BeforeSendHeadersResult extends CancelResult {
  /** All the headers to send instead. */ requestHeaders?: HeadersInit;
}

/** What a `headersReceived` tap may answer. */
export interface HeadersReceivedResult extends BeforeRequestResult {
  /** All the response headers to use instead. */ responseHeaders?: HeadersInit;
  /** Replaces the status code (with `responseHeaders`, as Electron's `statusLine`). */
  statusCode?: number;
  /** Replaces the status text, with `statusCode`. */ statusText?: string;
}

/** A user name and password answering a challenge. */
export interface AuthCredentials {
  /** The user name. */ username: string;
  /** The password. */ password: string;
}

/** What an `authRequired` tap may answer: credentials, a cancel, or nothing (next tap). */
export type AuthRequiredResult = AuthCredentials | { cancel: true } | undefined | null | void;

/** A parsed `WWW-Authenticate` / `Proxy-Authenticate` challenge. */
export interface AuthChallenge {
  /** From a proxy (407). */ isProxy: boolean;
  /** The scheme, lower case (`basic`, `digest`). */ scheme: string;
  /** The host that asked. */ host: string;
  /** Its port. */ port: number;
  /** The realm, or "". */ realm: string;
  /** Every parameter, names in lower case. */ params: Record<string, string>;
}

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What a body tap answers: a stream the body flows through, or null to leave it alone. */
export type BodyTap = MaybePromise<TransformStream<Uint8Array, Uint8Array> | null | void>;

/** What a tap of each stage receives and may answer (its kind is in `STAGE_KINDS`). */
export interface StageHandlers {
  /** May cancel or redirect. */
  beforeRequest: (request: PipelineRequest) => MaybePromise<BeforeRequestResult | void>;
  /** May cancel or change the headers. */
  beforeSendHeaders: (request: PipelineRequest) => MaybePromise<BeforeSendHeadersResult | void>;
  /** The headers are final. */ sendHeaders: (request: PipelineRequest) => void;
  /** A stream for the request body, or null (asked only when there is a body). */
  requestBody: (request: PipelineRequest) => BodyTap;
  /** Answers with a Response, or passes with undefined. */
  transport: (request: PipelineRequest) => MaybePromise<Response | undefined | void>;
  /** May cancel, redirect or change the response headers. */
  headersReceived: (
    r: PipelineRequest,
    res: Response,
  ) => MaybePromise<HeadersReceivedResult | void>;
  /** Answers a 401/407 challenge. */
  authRequired: (
    r: PipelineRequest,
    res: Response,
    c: AuthChallenge,
  ) => MaybePromise<AuthRequiredResult>;
  /** A redirect is about to be followed. */
  beforeRedirect: (request: PipelineRequest, response: Response, redirectUrl: string) => void;
  /** A stream for the final response's decoded body, or null. */
  responseBody: (request: PipelineRequest, response: Response) => BodyTap;
  /** The response is about to be handed over. */
  responseStarted: (request: PipelineRequest, response: Response) => void;
  /** The body was received completely. */
  completed: (request: PipelineRequest, response: Response) => void;
  /** The request failed. */ errorOccurred: (request: PipelineRequest, error: NetError) => void;
}

/**
 * Where a tap runs among its stage's taps: `pre`, `normal`, `post`, or, on a `blocking` stage
 * only, `settled`: after the stage's answers are merged and applied, with what they made (the
 * request's headers as they go on, the response as the listeners left it), unless they cancelled.
 * A settled tap only observes: its answer is ignored and a promise it returns is not waited for.
 */
export type TapOrder = "pre" | "normal" | "post" | "settled";

/** Options of a tap. */
export interface TapOptions {
  /** pre -> normal -> post (-> settled), then install order (default `normal`). */
  order?: TapOrder;
  /** A cheap test: false skips the tap for that request. */
  filter?: (request: PipelineRequest) => boolean;
  /** A name for reports and traces (default: the plugin's). */ label?: string;
  /** `completed`/`errorOccurred` only: false when the body's end does not matter (default true). */
  watchBody?: boolean;
}

/** A tap as the pipeline keeps it. */
export interface Tap<S extends Stage = Stage> {
  /** The stage. */ readonly stage: S;
  /** The handler. */ readonly fn: StageHandlers[S];
  /** The plugin that installed it. */ readonly plugin: string;
  /** Its label. */ readonly label: string;
  /** Install order (larger is more recent). */ readonly seq: number;
  /** 0 pre, 1 normal, 2 post, 3 settled. */ readonly rank: number;
  /** Optional filter. */ readonly filter?: (request: PipelineRequest) => boolean;
  /** A group's place: its taps that apply to the request. */
  readonly members?: (request: PipelineRequest) => readonly Tap<S>[];
}

/** Many taps of one plugin and stage chosen per request in one call (each keeps its order). */
export interface TapGroup<S extends Stage = Stage> {
  /** Makes a tap of the group. */ add(fn: StageHandlers[S], label: string): Tap<S>;
  /** Removes the group. */ remove(): void;
}

/** What a tap answered, for traces (`webRequest.explain`) and the net log. */
export interface Decision {
  /** The request. */ requestId: number;
  /** The stage. */ stage: Stage;
  /** The tap's plugin. */ plugin: string;
  /** The tap's label. */ label: string;
  /** Its answer (undefined: it passed). */ result: unknown;
  /** Whether its answer was applied. */ applied: boolean;
  /** Who won when it was not. */ winner?: string | null;
  /** What it threw, if anything. */ error?: unknown;
}

/** A blocking tap's action that lost a conflict. */
export interface IgnoredAction {
  /** The loser's plugin. */ plugin: string;
  /** The loser's label. */ label: string;
  /** `redirect`, `requestHeaders` or `responseHeaders`. */ action: string;
  /** The winner's plugin (and label), if any. */ winner: string | null;
}

/** How a request follows redirects (as in fetch). */
export type RedirectMode = "follow" | "error" | "manual";

/** What starts a request in the pipeline. */
export interface PipelineInput {
  /** Absolute URL. */ url: string;
  /** Method. */ method: string;
  /** Headers. */ headers: Headers;
  /** Body, or null. */ body: RequestBody | null;
  /** `follow` (default), `error` or `manual` (the redirect is returned). */
  redirect?: RedirectMode;
  /** Aborts with `net::ERR_ABORTED`. */ signal?: AbortSignal;
  /** Default `other`. */ resourceType?: ResourceType;
  /** The initiating origin, or null. */ initiator?: string | null;
  /** The top-level site, or null. */ topLevelSite?: string | null;
  /** The referrer the request was given (`Referer` is computed from it on each hop). */
  referrer?: string;
  /** The referrer policy (a checked one; `""` or absent: `strict-origin-when-cross-origin`). */
  referrerPolicy?: string;
  /** Extra options visible to taps. */ options?: Record<string, unknown>;
  /** `manual` mode: asked before a redirect is returned; true follows it. */
  onRedirect?: (request: PipelineRequest, response: Response, url: string) => boolean;
  /** Asked on a 401/407 once the `authRequired` taps passed; null returns the 401/407. */
  onAuth?: (
    request: PipelineRequest,
    challenge: AuthChallenge,
    response: Response,
  ) => MaybePromise<AuthCredentials | null | undefined>;
  /** Told when the request ends. */
  onEnd?: (request: PipelineRequest, error: NetError | null) => void;
  /** Told the request as soon as it exists. */ onStart?: (request: PipelineRequest) => void;
}

/** What the pipeline needs from its session. */
export interface PipelineHost {
  /** The next request id. */ nextId(): number;
  /** The session's clock. */ now(): number;
  /** The transport when no `transport` tap answers. */ transport(): HttpTransport;
  /** Walks requests through the stages. */ readonly http: HttpLayer;
  /** Reports a tap that threw. */
  reportHookError(error: HookError, request: PipelineRequest | null): void;
  /** Reports an action that lost a conflict. */
  reportIgnored(request: PipelineRequest, stage: Stage, action: IgnoredAction): void;
}

/** `RequestInit` plus websession's options (`ses.fetch`, `net.fetch`). */
export interface SessionFetchInit extends RequestInit {
  /** Electron's: skip `protocol.handle` handlers. */ bypassCustomProtocolHandlers?: boolean;
  /** For webRequest filters and rules (default `other`). */ resourceType?: ResourceType;
  /** The initiating origin. */ initiator?: string | null;
  /** The top-level site (partitioned cookies). */ topLevelSite?: string | null;
  /** Send and store the session's cookies (default true). */ useSessionCookies?: boolean;
}

/**
 * How a request walks the stages, the HTTP layer's contract (`httpLayer` of `kernel/http`).
 * @example
 * ```ts
 * import { httpLayer } from "./http/mod.ts";
 * const layer: HttpLayer = httpLayer;
 * ```
 */
export interface HttpLayer {
  /** fetch's arguments as an input (a TypeError names a bad one). */
  prepare(input: string | URL | Request, init?: SessionFetchInit): MaybePromise<PipelineInput>;
  /** Walks one request through the stages to its response. */
  run(pipeline: Pipeline, input: PipelineInput): Promise<Response>;
}
