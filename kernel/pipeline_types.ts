/**
 * The signatures of the pipeline's taps, stage by stage, and the options of a tap.
 *
 * @module
 */
import type { Stage } from "./manifest.ts";
import type { NetError } from "./errors.ts";
import type {
  AuthChallenge,
  AuthRequiredResult,
  BeforeRequestResult,
  BeforeSendHeadersResult,
  HeadersReceivedResult,
  PipelineRequest,
} from "./request.ts";

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What a tap of each stage receives and may answer. */
export interface StageHandlers {
  /** blocking-merge: may cancel or redirect before anything is sent. */
  beforeRequest: (request: PipelineRequest) => MaybePromise<BeforeRequestResult | void>;
  /** blocking-merge: may cancel or change the headers. */
  beforeSendHeaders: (request: PipelineRequest) => MaybePromise<BeforeSendHeadersResult | void>;
  /** observe: the headers are final. */
  sendHeaders: (request: PipelineRequest) => void;
  /**
   * transform: a TransformStream the request body streams through, or null to leave it alone
   * (called only for a request with a body).
   */
  requestBody: (
    request: PipelineRequest,
  ) => MaybePromise<TransformStream<Uint8Array, Uint8Array> | null | void>;
  /** first: answer the request with a Response, or return undefined to pass. */
  transport: (request: PipelineRequest) => MaybePromise<Response | undefined | void>;
  /** blocking-merge: may cancel, redirect or change the response headers. */
  headersReceived: (
    request: PipelineRequest,
    response: Response,
  ) => MaybePromise<HeadersReceivedResult | void>;
  /** first: answer a 401/407 challenge with credentials or a cancel. */
  authRequired: (
    request: PipelineRequest,
    response: Response,
    challenge: AuthChallenge,
  ) => MaybePromise<AuthRequiredResult>;
  /** observe: a redirect is about to be followed. */
  beforeRedirect: (request: PipelineRequest, response: Response, redirectUrl: string) => void;
  /**
   * transform: a TransformStream the (decoded) response body streams through, or null to leave it
   * alone (called for the final response only, when it has a body).
   */
  responseBody: (
    request: PipelineRequest,
    response: Response,
  ) => MaybePromise<TransformStream<Uint8Array, Uint8Array> | null | void>;
  /** observe: the first byte of the response body is available. */
  responseStarted: (request: PipelineRequest, response: Response) => void;
  /** observe: the response body was received completely. */
  completed: (request: PipelineRequest, response: Response) => void;
  /** observe: the request failed. */
  errorOccurred: (request: PipelineRequest, error: NetError) => void;
}

/** Where a tap runs among the taps of its stage. */
export type TapOrder = "pre" | "normal" | "post";

/** Options of a tap. */
export interface TapOptions {
  /** pre -> normal -> post, then registration order (default `normal`). */
  order?: TapOrder;
  /** A cheap test: the tap is skipped for requests it returns false for. */
  filter?: (request: PipelineRequest) => boolean;
  /** A name for reports and traces (default: the plugin's name). */
  label?: string;
}

/** A tap as the pipeline keeps it. */
export interface Tap<S extends Stage = Stage> {
  /** The stage. */
  readonly stage: S;
  /** The handler. */
  readonly fn: StageHandlers[S];
  /** The plugin that installed it. */
  readonly plugin: string;
  /** Its label. */
  readonly label: string;
  /** Install order (larger is more recent). */
  readonly seq: number;
  /** 0 pre, 1 normal, 2 post. */
  readonly rank: number;
  /** Optional filter. */
  readonly filter?: (request: PipelineRequest) => boolean;
  /** For a group's place in the list: the group's taps that apply to the request. */
  readonly members?: (request: PipelineRequest) => readonly Tap<S>[];
}

/**
 * Many taps of one plugin and stage that are chosen together: the pipeline asks the group which
 * of its taps apply to a request instead of calling a filter per tap (webRequest listeners with
 * URL filters, by the thousand). Each tap keeps its own install order for conflicts.
 */
export interface TapGroup<S extends Stage = Stage> {
  /** Makes a tap of the group (the next install order); `select` decides when it runs. */
  add(fn: StageHandlers[S], label: string): Tap<S>;
  /** Removes the group from the pipeline. */
  remove(): void;
}

/** One thing a tap did to a request, for traces (`webRequest.explain`) and the net log. */
export interface Decision {
  /** The request. */
  requestId: number;
  /** The stage. */
  stage: Stage;
  /** The plugin of the tap. */
  plugin: string;
  /** The tap's label. */
  label: string;
  /** What it answered (undefined when it passed). */
  result: unknown;
  /** Whether its answer was applied (false for ignored ones, with the winner). */
  applied: boolean;
  /** Who won when it was not applied. */
  winner?: string | null;
  /** The error it threw, if any. */
  error?: unknown;
}
