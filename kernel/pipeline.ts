/**
 * The request pipeline: every request walks Chrome's webRequest lifecycle, and plugins tap its
 * stages. `beforeRequest` -> `beforeSendHeaders` -> `sendHeaders` -> transport ->
 * `headersReceived` -> (`authRequired`) -> (`beforeRedirect`, back to the start) ->
 * `responseStarted` -> `completed` | `errorOccurred`; exactly one of the last two ends every
 * request.
 *
 * @module
 */
import { HookError, isNetError, NetError, toNetError } from "./errors.ts";
import { blocked, throwIfAborted } from "./_request_errors.ts";
import type { Stage } from "./manifest.ts";
import type { AuthChallenge, AuthCredentials, PipelineRequest } from "./request.ts";
import type { Decision, StageHandlers, Tap, TapGroup, TapOptions } from "./pipeline_types.ts";
import { mergeBlocking, type TapAnswer } from "./_merge.ts";
import { applyRedirect, MAX_REDIRECTS, redirectTarget } from "./_redirect.ts";
import { authScheme, parseChallenge } from "./_auth.ts";
import { deliverResponse, markFetched, withUrl } from "./_response.ts";

import type { PipelineHost, PipelineInput } from "./pipeline_input.ts";
export type { PipelineHost, PipelineInput, RedirectMode } from "./pipeline_input.ts";

const RANK = { pre: 0, normal: 1, post: 2 } as const;

/**
 * The signal of requests that were given none: it never aborts. Transports skip it, since a
 * signal costs fetch a listener per request.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
const MAX_AUTH_ATTEMPTS = 8;

/**
 * The pipeline of one session.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("example", { plugins: [] });
 * ses.pipeline.tap("beforeSendHeaders", (req) => {
 *   const headers = new Headers(req.headers);
 *   headers.set("x-hello", "1");
 *   return { requestHeaders: headers };
 * }, { plugin: "example" });
 * ```
 */
export class Pipeline {
  #host: PipelineHost;
  #taps: { [S in Stage]: Tap<S>[] } = {
    beforeRequest: [],
    beforeSendHeaders: [],
    sendHeaders: [],
    transport: [],
    headersReceived: [],
    authRequired: [],
    beforeRedirect: [],
    responseStarted: [],
    completed: [],
    errorOccurred: [],
  };
  #grouped: Record<Stage, number> = {
    beforeRequest: 0,
    beforeSendHeaders: 0,
    sendHeaders: 0,
    transport: 0,
    headersReceived: 0,
    authRequired: 0,
    beforeRedirect: 0,
    responseStarted: 0,
    completed: 0,
    errorOccurred: 0,
  };
  #seq = 0;
  #decisionListeners: Array<(decision: Decision) => void> = [];

  /** Made by the session. */
  constructor(host: PipelineHost) {
    this.#host = host;
  }

  /**
   * Installs a tap; returns the function that removes it.
   */
  tap<S extends Stage>(
    stage: S,
    fn: StageHandlers[S],
    options: TapOptions & { plugin: string },
  ): () => void {
    return this.#install(stage, fn, options, undefined);
  }

  #install<S extends Stage>(
    stage: S,
    fn: StageHandlers[S],
    options: TapOptions & { plugin: string },
    members: ((request: PipelineRequest) => readonly Tap<S>[]) | undefined,
  ): () => void {
    if (!(stage in this.#taps)) throw new TypeError(`Unknown pipeline stage "${stage}"`);
    if (typeof fn !== "function") {
      throw new TypeError(`The tap for "${stage}" of ${options.plugin} must be a function`);
    }
    const order = options.order ?? "normal";
    if (!(order in RANK)) {
      throw new TypeError(`Unknown tap order "${order}" (use pre, normal or post)`);
    }
    const tap: Tap<S> = {
      stage,
      fn,
      plugin: options.plugin,
      label: options.label ?? options.plugin,
      seq: ++this.#seq,
      rank: RANK[order],
      filter: options.filter,
      members,
    };
    const list = [...this.#taps[stage], tap].sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    (this.#taps[stage] as Tap<S>[]) = list;
    if (members) this.#grouped[stage]++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      (this.#taps[stage] as Tap<S>[]) = this.#taps[stage].filter((t) => t !== tap);
      if (members) this.#grouped[stage]--;
    };
  }

  /**
   * Installs a group of taps at one place of a stage: `select` returns, per request, the group's
   * taps that apply (made with the group's `add`), which then run as if they were in the list.
   */
  tapGroup<S extends Stage>(
    stage: S,
    select: (request: PipelineRequest) => readonly Tap<S>[],
    options: TapOptions & { plugin: string },
  ): TapGroup<S> {
    const remove = this.#install(stage, (() => undefined) as StageHandlers[S], options, select);
    const rank = RANK[options.order ?? "normal"];
    return {
      add: (fn, label) => ({ stage, fn, plugin: options.plugin, label, seq: ++this.#seq, rank }),
      remove,
    };
  }

  /** The taps of a stage for a request: groups replaced by their applying taps. */
  #expand<S extends Stage>(stage: S, request: PipelineRequest): readonly Tap<S>[] {
    const taps = this.#taps[stage] as Tap<S>[];
    if (this.#grouped[stage] === 0) return taps;
    const out: Tap<S>[] = [];
    for (const tap of taps) {
      if (tap.members) out.push(...tap.members(request));
      else out.push(tap);
    }
    return out;
  }

  /** How many taps a stage has. */
  tapCount(stage: Stage): number {
    return this.#taps[stage].length;
  }

  /**
   * Subscribes to every decision taps make (what each answered, what was applied); returns the
   * unsubscribe function. Costs nothing while nobody listens.
   */
  onDecision(listener: (decision: Decision) => void): () => void {
    this.#decisionListeners = [...this.#decisionListeners, listener];
    return () => {
      this.#decisionListeners = this.#decisionListeners.filter((l) => l !== listener);
    };
  }

  /** Runs one request through the pipeline and resolves to its response. */
  async run(input: PipelineInput): Promise<Response> {
    const request = this.#createRequest(input);
    input.onStart?.(request);
    let response: Response;
    try {
      response = await this.#walk(request, input);
    } catch (error) {
      const netError = toNetError(error, request.signal);
      this.#ender(request, input)(netError, null);
      throw netError;
    }
    this.#observe("responseStarted", request, response);
    const watch = input.onEnd !== undefined || this.#taps.completed.length > 0 ||
      this.#taps.errorOccurred.length > 0;
    return deliverResponse(request, response, watch ? this.#ender(request, input) : null);
  }

  /** The function that ends a request once: `completed` or `errorOccurred`, then `onEnd`. */
  #ender(request: PipelineRequest, input: PipelineInput) {
    let ended = false;
    return (error: NetError | null, response: Response | null) => {
      if (ended) return;
      ended = true;
      if (error) this.#observe("errorOccurred", request, error);
      else this.#observe("completed", request, response!);
      input.onEnd?.(request, error);
    };
  }

  /**
   * Runs only `beforeRequest` for something the session does not send itself (a CONNECT tunnel:
   * `https://host:port/` passes the rules at host level). Rejects with
   * `net::ERR_BLOCKED_BY_CLIENT` when a tap cancels; otherwise resolves to the request and the
   * function that ends it (`completed` with a 200, or `errorOccurred`).
   */
  async admit(input: PipelineInput): Promise<{
    request: PipelineRequest;
    end(error: NetError | null): void;
  }> {
    const request = this.#createRequest(input);
    let ended = false;
    const end = (error: NetError | null) => {
      if (ended) return;
      ended = true;
      if (error) this.#observe("errorOccurred", request, error);
      else this.#observe("completed", request, withUrl(new Response(null), request.url));
    };
    try {
      const pending = this.#blocking("beforeRequest", request, "requestHeaders", null);
      const outcome = pending instanceof Promise ? await pending : pending;
      if (outcome.cancel) throw blocked(outcome.cancel, outcome.cancelReason);
    } catch (error) {
      const netError = toNetError(error, request.signal);
      end(netError);
      throw netError;
    }
    return { request, end };
  }

  #createRequest(input: PipelineInput): PipelineRequest {
    return {
      id: this.#host.nextId(),
      url: input.url,
      method: input.method,
      headers: input.headers,
      body: input.body,
      resourceType: input.resourceType ?? "other",
      initiator: input.initiator ?? null,
      topLevelSite: input.topLevelSite ?? null,
      referrer: input.referrer ?? "",
      timestamp: this.#host.now(),
      redirectCount: 0,
      urlList: [],
      signal: input.signal ?? NEVER_ABORTED,
      options: input.options ?? {},
      data: new Map(),
    };
  }

  async #walk(request: PipelineRequest, input: PipelineInput): Promise<Response> {
    const mode = input.redirect ?? "follow";
    let skipBeforeRequest = false;
    let authAttempts = 0;
    let streamSent = false;
    for (;;) {
      throwIfAborted(request.signal);
      if (!skipBeforeRequest) {
        const pending = this.#blocking("beforeRequest", request, "requestHeaders", null);
        const outcome = pending instanceof Promise ? await pending : pending;
        if (outcome.cancel) throw blocked(outcome.cancel, outcome.cancelReason);
        if (outcome.redirectUrl) {
          const stopped = this.#internalRedirect(request, outcome.redirectUrl, input);
          if (stopped) return stopped;
          continue;
        }
      }
      skipBeforeRequest = false;
      const sending = this.#blocking("beforeSendHeaders", request, "requestHeaders", null);
      const sendOutcome = sending instanceof Promise ? await sending : sending;
      if (sendOutcome.cancel) throw blocked(sendOutcome.cancel, sendOutcome.cancelReason);
      if (sendOutcome.headers) request.headers = sendOutcome.headers;
      this.#observe("sendHeaders", request);
      throwIfAborted(request.signal);
      if (request.body instanceof ReadableStream) {
        if (streamSent) {
          throw new NetError(
            "net::ERR_FAILED",
            "A streamed request body cannot be sent again (redirect or authentication retry)",
          );
        }
        streamSent = true;
      }
      let response = await this.#send(request);
      const receiving = this.#blocking("headersReceived", request, "responseHeaders", response);
      const received = receiving instanceof Promise ? await receiving : receiving;
      if (received.cancel) {
        response.body?.cancel().catch(() => {});
        throw blocked(received.cancel, received.cancelReason);
      }
      if (received.redirectUrl) {
        response.body?.cancel().catch(() => {});
        const stopped = this.#internalRedirect(request, received.redirectUrl, input);
        if (stopped) return stopped;
        continue;
      }
      if (received.headers) {
        response = withUrl(
          new Response(response.body, {
            status: response.status,
            statusText: response.statusText,
            headers: received.headers,
          }),
          request.url,
        );
      }
      if (response.status === 401 || response.status === 407) {
        const retry = await this.#authenticate(request, response, authAttempts, input.onAuth);
        if (retry) {
          authAttempts++;
          response.body?.cancel().catch(() => {});
          skipBeforeRequest = true;
          continue;
        }
      }
      const target = redirectTarget(response, request.url);
      if (target !== null) {
        let follow = mode === "follow";
        if (mode === "error") {
          response.body?.cancel().catch(() => {});
          throw new NetError(
            "net::ERR_FAILED",
            `Redirect to ${target} refused (redirect: "error")`,
          );
        }
        if (mode === "manual" && input.onRedirect) {
          follow = input.onRedirect(request, response, target);
        }
        if (follow) {
          if (request.redirectCount >= MAX_REDIRECTS) {
            response.body?.cancel().catch(() => {});
            throw new NetError(
              "net::ERR_TOO_MANY_REDIRECTS",
              `More than ${MAX_REDIRECTS} redirects`,
            );
          }
          this.#observe("beforeRedirect", request, response, target);
          response.body?.cancel().catch(() => {});
          applyRedirect(request, response.status, target);
          if (response.status !== 307 && response.status !== 308) streamSent = false;
          continue;
        }
      }
      return response;
    }
  }

  async #send(request: PipelineRequest): Promise<Response> {
    for (const tap of this.#expand("transport", request)) {
      if (tap.filter && !tap.filter(request)) continue;
      let answer: Response | undefined | void;
      try {
        answer = await tap.fn(request);
      } catch (error) {
        if (isNetError(error)) throw error;
        throw new NetError("net::ERR_FAILED", `${tap.plugin} failed to answer the request`, {
          cause: new HookError(tap.plugin, "transport", error),
        });
      }
      if (this.#decisionListeners.length) {
        this.#decide(request, "transport", tap, answer ? { status: answer.status } : undefined);
      }
      if (answer instanceof Response) return answer;
      if (answer !== undefined && answer !== null) {
        throw new NetError(
          "net::ERR_FAILED",
          `The transport tap of ${tap.plugin} answered something that is not a Response`,
        );
      }
    }
    try {
      return markFetched(await this.#host.transport().fetch(request));
    } catch (error) {
      throw toNetError(error, request.signal);
    }
  }

  async #authenticate(
    request: PipelineRequest,
    response: Response,
    attempts: number,
    onAuth: PipelineInput["onAuth"],
  ): Promise<boolean> {
    if (attempts >= MAX_AUTH_ATTEMPTS) return false;
    if (this.#taps.authRequired.length === 0 && !onAuth) return false;
    const challenge = parseChallenge(response, request.url);
    if (!challenge) return false;
    const scheme = authScheme(challenge.scheme);
    if (!scheme) return false;
    let credentials = await this.#first(request, challenge, response);
    if (credentials === undefined && onAuth) {
      credentials = (await onAuth(request, challenge, response)) ?? null;
    }
    if (!credentials) return false;
    const value = await scheme(challenge, credentials, request);
    const headers = new Headers(request.headers);
    headers.set(challenge.isProxy ? "proxy-authorization" : "authorization", value);
    request.headers = headers;
    return true;
  }

  /** The first tap's answer: credentials, null for a cancel, undefined when every tap passed. */
  async #first(
    request: PipelineRequest,
    challenge: AuthChallenge,
    response: Response,
  ): Promise<AuthCredentials | null | undefined> {
    for (const tap of this.#expand("authRequired", request)) {
      if (tap.filter && !tap.filter(request)) continue;
      let answer;
      try {
        answer = await tap.fn(request, response, challenge);
      } catch (error) {
        this.#host.reportHookError(new HookError(tap.plugin, "authRequired", error), request);
        continue;
      }
      if (this.#decisionListeners.length) this.#decide(request, "authRequired", tap, answer);
      if (!answer) continue;
      if ("cancel" in answer && answer.cancel) return null;
      if ("username" in answer) return { username: answer.username, password: answer.password };
    }
    return undefined;
  }

  /**
   * Follows a redirect a tap asked for. In `manual` mode with `onRedirect`, the caller is asked
   * first (ClientRequest's `redirect` event, as Electron reports webRequest redirects); when it
   * declines, the synthetic 307 is returned to end the walk.
   */
  #internalRedirect(request: PipelineRequest, url: string, input: PipelineInput): Response | null {
    let target: string;
    try {
      target = new URL(url, request.url).href;
    } catch {
      throw new NetError("net::ERR_INVALID_REDIRECT", `Invalid redirect URL "${url}"`);
    }
    if (request.redirectCount >= MAX_REDIRECTS) {
      throw new NetError("net::ERR_TOO_MANY_REDIRECTS", `More than ${MAX_REDIRECTS} redirects`);
    }
    const synthetic = new Response(null, {
      status: 307,
      statusText: "Internal Redirect",
      headers: { location: target, "non-authoritative-reason": "WebRequest API" },
    });
    // The taps see a 307 from the hop that was redirected, as Chrome reports internal redirects.
    const redirect = withUrl(synthetic, request.url);
    if (input.redirect === "manual" && input.onRedirect) {
      if (!input.onRedirect(request, redirect, target)) return redirect;
    }
    this.#observe("beforeRedirect", request, redirect, target);
    applyRedirect(request, 307, target);
    return null;
  }

  #blocking(
    stage: "beforeRequest" | "beforeSendHeaders" | "headersReceived",
    request: PipelineRequest,
    headerKey: "requestHeaders" | "responseHeaders",
    response: Response | null,
  ): Outcome | Promise<Outcome> {
    if (this.#taps[stage].length === 0) return EMPTY;
    const taps = this.#expand(stage, request);
    return this.#blockingTaps(stage, taps, request, headerKey, response);
  }

  async #blockingTaps(
    stage: "beforeRequest" | "beforeSendHeaders" | "headersReceived",
    taps: readonly Tap<typeof stage>[],
    request: PipelineRequest,
    headerKey: "requestHeaders" | "responseHeaders",
    response: Response | null,
  ): Promise<Outcome> {
    const answers: TapAnswer<Record<string, unknown>>[] = [];
    const pending: Promise<void>[] = [];
    for (const tap of taps) {
      if (tap.filter && !tap.filter(request)) continue;
      let result: unknown;
      try {
        // deno-lint-ignore no-explicit-any
        result = (tap.fn as any)(request, response);
      } catch (error) {
        this.#tapFailed(request, stage, tap, error);
        continue;
      }
      if (result instanceof Promise) {
        pending.push(result.then(
          (value) => this.#collect(answers, tap, value),
          (error) => this.#tapFailed(request, stage, tap, error),
        ));
      } else this.#collect(answers, tap, result);
    }
    if (pending.length) await Promise.all(pending);
    if (answers.length === 0) return EMPTY;
    const original = response ? response.headers : request.headers;
    const outcome = mergeBlocking(answers, headerKey, original);
    for (const action of outcome.ignored) this.#host.reportIgnored(request, stage, action);
    if (this.#decisionListeners.length) {
      for (const answer of answers) {
        const lost = outcome.ignored.find((i) =>
          i.plugin === answer.plugin && i.label === answer.label
        );
        this.#emitDecision({
          requestId: request.id,
          stage,
          plugin: answer.plugin,
          label: answer.label,
          result: answer.result,
          applied: !lost,
          winner: lost?.winner ?? null,
        });
      }
    }
    return outcome;
  }

  #collect(answers: TapAnswer<Record<string, unknown>>[], tap: Tap, value: unknown): void {
    if (value === undefined || value === null) return;
    if (typeof value !== "object") return;
    answers.push({
      plugin: tap.plugin,
      label: tap.label,
      seq: tap.seq,
      result: value as Record<string, unknown>,
    });
  }

  #tapFailed(request: PipelineRequest, stage: Stage, tap: Tap, error: unknown): void {
    this.#host.reportHookError(new HookError(tap.plugin, stage, error), request);
    if (this.#decisionListeners.length) {
      this.#emitDecision({
        requestId: request.id,
        stage,
        plugin: tap.plugin,
        label: tap.label,
        result: undefined,
        applied: false,
        error,
      });
    }
  }

  #observe<
    S extends "sendHeaders" | "beforeRedirect" | "responseStarted" | "completed" | "errorOccurred",
  >(
    stage: S,
    request: PipelineRequest,
    ...args: unknown[]
  ): void {
    for (const tap of this.#expand(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      try {
        // deno-lint-ignore no-explicit-any
        const result = (tap.fn as any)(request, ...args);
        if (result instanceof Promise) {
          result.catch((error) => this.#tapFailed(request, stage, tap, error));
        }
      } catch (error) {
        this.#tapFailed(request, stage, tap, error);
      }
    }
  }

  #decide(request: PipelineRequest, stage: Stage, tap: Tap, result: unknown): void {
    this.#emitDecision({
      requestId: request.id,
      stage,
      plugin: tap.plugin,
      label: tap.label,
      result,
      applied: result !== undefined && result !== null,
    });
  }

  #emitDecision(decision: Decision): void {
    for (const listener of this.#decisionListeners) {
      try {
        listener(decision);
      } catch (error) {
        this.#host.reportHookError(new HookError(decision.plugin, "decision", error), null);
      }
    }
  }
}

type Outcome = ReturnType<typeof mergeBlocking>;
const EMPTY: Outcome = Object.freeze({
  cancel: null,
  redirectUrl: null,
  headers: null,
  ignored: [],
});
