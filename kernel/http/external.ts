/**
 * A request that someone else sends (a Chromium page whose traffic is intercepted over the
 * DevTools Protocol): the session's taps decide at each stage as for its own requests, with the
 * same merge and conflict rules, and the sender applies the outcome and sends.
 *
 * @module
 */
import { isNetError, type NetError } from "../errors.ts";
import { toNetError } from "./to_net_error.ts";
import { applyRedirect, redirectTarget, withUrl } from "./rules.ts";
import { type Outcome, passed, type Runner, runnerOf } from "./runner.ts";
import { ender, startRequest } from "./walk.ts";
import type { Pipeline } from "../pipeline.ts";
import type { PipelineInput, PipelineRequest } from "../request.ts";

/** What the taps of a stage decided for a request another sender sends. */
export interface ExternalDecision {
  /** The `net::ERR_BLOCKED_BY_CLIENT` error when a tap cancelled, else null. */
  cancel: NetError | null;
  /** The URL a tap redirected to, else null. */
  redirectUrl: string | null;
  /** The headers to send (request stages) or to hand on (response stage), when a tap changed them. */
  headers: Headers | null;
  /**
   * The status a `headersReceived` tap set with its headers (Electron's `statusLine`), when one
   * did: the sender answers with it instead of the status received.
   */
  status?: { code: number; text: string };
}

/** One request another sender sends, walked through the session's stages as it goes. */
export interface ExternalRequest {
  /** The pipeline's request (its id, URL, headers, resource type...). */
  readonly request: PipelineRequest;
  /**
   * Runs `beforeRequest`, then `beforeSendHeaders` and `sendHeaders` unless the first decided.
   * The decision itself, in the same tick, when every tap answered at once; else a promise of it.
   */
  beforeSend(): ExternalDecision | Promise<ExternalDecision>;
  /**
   * Runs `headersReceived`, then `responseStarted` unless it cancelled or redirected or the
   * response is a redirect the sender follows (`beforeRedirect` tells that one).
   */
  received(response: Response): Promise<ExternalDecision>;
  /** The response started without asking the taps (nobody taps `headersReceived` for it). */
  started(response: Response): void;
  /** The sender follows a redirect to `target`: `beforeRedirect`, then the next hop. */
  redirected(response: Response, target: string): void;
  /** Ends it once: `completed` (no error) or `errorOccurred`. */
  end(error: NetError | null, response?: Response): void;
}

const NONE: ExternalDecision = Object.freeze({ cancel: null, redirectUrl: null, headers: null });

function decided(outcome: Outcome): ExternalDecision {
  const decision: ExternalDecision = {
    cancel: null,
    redirectUrl: outcome.redirectUrl,
    headers: outcome.headers,
  };
  if (outcome.headers && outcome.status) decision.status = outcome.status;
  return decision;
}

function cancelled(error: unknown, request: PipelineRequest): ExternalDecision {
  if (!isNetError(error)) throw error;
  return { cancel: toNetError(error, request.signal), redirectUrl: null, headers: null };
}

/**
 * `next` of a stage's outcome: at once when the stage answered in the same tick, else once its
 * promise settles (a rejection cancels the request).
 */
function then(
  outcome: Outcome | Promise<Outcome>,
  request: PipelineRequest,
  next: (outcome: Outcome) => ExternalDecision | Promise<ExternalDecision>,
): ExternalDecision | Promise<ExternalDecision> {
  if (!(outcome instanceof Promise)) return next(outcome);
  return outcome.then(next, (error) => cancelled(error, request));
}

/** What `beforeRequest` decided, then `beforeSendHeaders` unless it redirected. */
function afterBeforeRequest(
  run: Runner,
  request: PipelineRequest,
  before: Outcome,
): ExternalDecision | Promise<ExternalDecision> {
  try {
    passed(before);
    run.settled("beforeRequest", request, null);
    if (before.redirectUrl) return decided(before);
    const sending = run.blocking("beforeSendHeaders", request, null);
    return then(sending, request, (outcome) => afterBeforeSendHeaders(run, request, outcome));
  } catch (error) {
    return cancelled(error, request);
  }
}

/** What `beforeSendHeaders` decided, then `sendHeaders`. */
function afterBeforeSendHeaders(
  run: Runner,
  request: PipelineRequest,
  sending: Outcome,
): ExternalDecision {
  try {
    if (passed(sending).headers) request.headers = sending.headers!;
    run.settled("beforeSendHeaders", request, null);
    run.observe("sendHeaders", request);
    return sending.headers ? decided(sending) : NONE;
  } catch (error) {
    return cancelled(error, request);
  }
}

/**
 * A request that another sender sends (a browser whose traffic the session intercepts): the
 * session's taps decide stage by stage as for its own requests; the sender applies the outcome.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("external-example", { plugins: [] });
 * const hop = externalRequest(ses.pipeline, {
 *   url: "https://a.test/", method: "GET", headers: new Headers(), body: null,
 * });
 * const decision = await hop.beforeSend(); // { cancel: null, redirectUrl: null, headers: null }
 * hop.end(null, new Response("ok"));
 * ```
 */
export function externalRequest(pipeline: Pipeline, input: PipelineInput): ExternalRequest {
  const run = runnerOf(pipeline);
  const request = startRequest(run, input);
  return new External(run, request, ender(run, request, input.onEnd));
}

/** An {@linkcode ExternalRequest}: its methods on the prototype, not closures per request. */
class External implements ExternalRequest {
  readonly #run: Runner;
  readonly #end: (error: NetError | null, response: Response | null) => void;
  readonly request: PipelineRequest;

  constructor(
    run: Runner,
    request: PipelineRequest,
    end: (error: NetError | null, response: Response | null) => void,
  ) {
    this.#run = run;
    this.request = request;
    this.#end = end;
  }

  beforeSend(): ExternalDecision | Promise<ExternalDecision> {
    const run = this.#run, request = this.request;
    // no promise or microtask between the stages when every tap answers at once
    const before = run.blocking("beforeRequest", request, null);
    return then(before, request, (outcome) => afterBeforeRequest(run, request, outcome));
  }

  async received(response: Response): Promise<ExternalDecision> {
    const run = this.#run, request = this.request;
    try {
      const outcome = passed(await run.blocking("headersReceived", request, response));
      const status = outcome.headers && outcome.status;
      const seen = withUrl(
        outcome.headers
          ? new Response(null, {
            status: status ? status.code : response.status,
            statusText: status ? status.text : response.statusText,
            headers: outcome.headers,
          })
          : response,
        request.url,
      );
      run.settled("headersReceived", request, seen);
      // as Chromium's webRequest: a redirect gets onBeforeRedirect, not onResponseStarted
      if (!outcome.redirectUrl && redirectTarget(seen, request.url) === null) {
        run.observe("responseStarted", request, seen);
      }
      return decided(outcome);
    } catch (error) {
      return cancelled(error, request);
    }
  }

  started(response: Response): void {
    this.#run.observe("responseStarted", this.request, withUrl(response, this.request.url));
  }

  redirected(response: Response, target: string): void {
    const request = this.request;
    this.#run.observe("beforeRedirect", request, withUrl(response, request.url), target);
    applyRedirect(request, response.status, target);
  }

  end(error: NetError | null, response?: Response): void {
    const request = this.request;
    this.#end(error, error ? null : withUrl(response ?? new Response(null), request.url));
  }
}
