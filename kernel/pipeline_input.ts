/**
 * What starts a request in the pipeline, and what the pipeline needs from its session.
 *
 * @module
 */
import type { HookError, NetError } from "./errors.ts";
import type { Stage } from "./manifest.ts";
import type { HttpTransport } from "./transport.ts";
import type {
  AuthChallenge,
  AuthCredentials,
  PipelineRequest,
  RequestBody,
  ResourceType,
} from "./request.ts";
import type { IgnoredAction } from "./_merge.ts";

/** How a request follows redirects (as in fetch). */
export type RedirectMode = "follow" | "error" | "manual";

/** What starts a request in the pipeline. */
export interface PipelineInput {
  /** Absolute URL. */
  url: string;
  /** Method (upper case for the standard ones). */
  method: string;
  /** Headers to send. */
  headers: Headers;
  /** Body, or null. */
  body: RequestBody | null;
  /** `follow` (default), `error`, or `manual` (the redirect response is returned). */
  redirect?: RedirectMode;
  /** Aborts the request with `net::ERR_ABORTED`. */
  signal?: AbortSignal;
  /** Chrome's resource type (default `other`). */
  resourceType?: ResourceType;
  /** The initiating origin, or null. */
  initiator?: string | null;
  /** The top-level site for partitioned state, or null. */
  topLevelSite?: string | null;
  /** The referrer. */
  referrer?: string;
  /** Extra options visible to taps (`bypassCustomProtocolHandlers`, `useSessionCookies`, ...). */
  options?: Record<string, unknown>;
  /**
   * In `manual` mode, asked before returning a redirect response: true follows it anyway
   * (Electron's `followRedirect()`).
   */
  onRedirect?: (request: PipelineRequest, response: Response, url: string) => boolean;
  /**
   * Asked for credentials on a 401/407 challenge of a scheme websession supports, after the
   * session's `authRequired` taps passed (Chrome asks extensions first, then the login prompt):
   * credentials retry the request, null gives up (the 401/407 response is returned), undefined
   * too. Electron's `login` event of `ClientRequest` is this callback.
   */
  onAuth?: (
    request: PipelineRequest,
    challenge: AuthChallenge,
    response: Response,
  ) => AuthCredentials | null | undefined | Promise<AuthCredentials | null | undefined>;
  /** Told when the request ends (after `completed`/`errorOccurred` taps). */
  onEnd?: (request: PipelineRequest, error: NetError | null) => void;
  /** Called with the request object as soon as it exists (e.g. to learn its id). */
  onStart?: (request: PipelineRequest) => void;
}

/** What the pipeline needs from its session. */
export interface PipelineHost {
  /** The next request id. */
  nextId(): number;
  /** The session's clock (ms since the epoch, never going back). */
  now(): number;
  /** The transport used when no `transport` tap answers. */
  transport(): HttpTransport;
  /** Reports a tap that threw. */
  reportHookError(error: HookError, request: PipelineRequest | null): void;
  /** Reports an action that lost a conflict. */
  reportIgnored(request: PipelineRequest, stage: Stage, action: IgnoredAction): void;
}
