/**
 * One request's walk, hop after hop: `beforeRequest` -> `beforeSendHeaders` -> `sendHeaders` ->
 * transport -> `headersReceived` -> (`authRequired`: the same hop again) -> (`beforeRedirect`: the
 * next hop) -> the response. And the runner of each kind of stage: a tap that throws is reported,
 * never fatal, except a `transport` tap's, which fails the request.
 *
 * @module
 */
import { HookError, isNetError, NetError, toNetError } from "../errors.ts";
import {
  applyRedirect,
  type AuthScheme,
  authScheme,
  markFetched,
  MAX_REDIRECTS,
  parseChallenge,
  redirectTarget,
  withUrl,
} from "./rules.ts";
import { tapRequestBody } from "./body_taps.ts";
import { checkRedirectTarget } from "./unsafe_redirect.ts";
import { cachedCredentials, mayHaveCredentials, rememberCredentials } from "./auth_cache.ts";
import type { Pipeline, Stage, StageOfKind } from "../pipeline.ts";
import type {
  AuthChallenge,
  AuthCredentials,
  Decision,
  IgnoredAction,
  PipelineHost,
  PipelineInput,
  PipelineRequest,
  StageHandlers,
  Tap,
} from "../request.ts";

type Args<S extends Stage> = StageHandlers[S] extends (r: PipelineRequest, ...a: infer A) => unknown
  ? A
  : never;
// deno-lint-ignore no-explicit-any
type AnyTapFn = (request: PipelineRequest, ...args: any[]) => unknown;
type HeaderKey = "requestHeaders" | "responseHeaders";
type Answer = {
  tap: Tap;
  result: { cancel?: boolean; reason?: string; redirectUrl?: string } & Record<HeaderKey, unknown>;
};
interface Outcome {
  cancel: string | null;
  cancelReason?: string;
  redirectUrl: string | null;
  headers: Headers | null;
  ignored: IgnoredAction[];
}

const EMPTY: Outcome = Object.freeze({
  cancel: null,
  redirectUrl: null,
  headers: null,
  ignored: [],
});
const MAX_AUTH_ATTEMPTS = 8;
const discard = (response: Response) => response.body?.cancel().catch(() => {});

/** Runs the taps of a pipeline's stages and tells the decision listeners what they answered. */
export class Runner {
  listeners: Array<(decision: Decision) => void> = [];
  constructor(readonly taps: Pipeline, readonly host: PipelineHost) {}

  /** Calls every tap that applies; a promise a tap returns is not waited for. */
  observe<S extends StageOfKind<"observe">>(stage: S, request: PipelineRequest, ...args: Args<S>) {
    for (const tap of this.taps.tapsFor(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      try {
        const result = (tap.fn as AnyTapFn)(request, ...args);
        if (result instanceof Promise) result.catch((error) => this.#failed(request, tap, error));
      } catch (error) {
        this.#failed(request, tap, error);
      }
    }
  }

  /** Waits for every tap that applies and merges the answers; synchronous when none is a promise. */
  blocking(
    stage: StageOfKind<"blocking">,
    request: PipelineRequest,
    response: Response | null,
  ): Outcome | Promise<Outcome> {
    if (this.taps.tapCount(stage) === 0) return EMPTY;
    const answers: Answer[] = [];
    let pending: Promise<void>[] | null = null;
    for (const tap of this.taps.tapsFor(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      try {
        const result = (tap.fn as AnyTapFn)(request, response);
        if (!(result instanceof Promise)) collect(answers, tap, result);
        else {
          (pending ??= []).push(result.then(
            (value) => collect(answers, tap, value),
            (error) => this.#failed(request, tap, error),
          ));
        }
      } catch (error) {
        this.#failed(request, tap, error);
      }
    }
    const done = () => {
      if (answers.length === 0) return EMPTY;
      const outcome = response
        ? merge(answers, "responseHeaders", response.headers)
        : merge(answers, "requestHeaders", request.headers);
      for (const action of outcome.ignored) this.host.reportIgnored(request, stage, action);
      if (this.listeners.length) {
        for (const { tap, result } of answers) {
          const lost = outcome.ignored.find((i) =>
            i.plugin === tap.plugin && i.label === tap.label
          );
          this.#record(request, tap, result, { applied: !lost, winner: lost?.winner ?? null });
        }
      }
      return outcome;
    };
    return pending ? Promise.all(pending).then(done) : done();
  }

  /** Asks the taps one after another until `pick` turns an answer into a result; `fail` decides
   * what a throwing tap does (default: reported, next tap). */
  async first<S extends StageOfKind<"first">, R>(
    stage: S,
    request: PipelineRequest,
    args: Args<S>,
    pick: (answer: Awaited<ReturnType<StageHandlers[S]>>, tap: Tap<S>) => R | undefined,
    fail: (error: unknown, tap: Tap<S>) => void = (error, tap) => this.#failed(request, tap, error),
  ): Promise<R | undefined> {
    for (const tap of this.taps.tapsFor(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      let answer;
      try {
        answer = await (tap.fn as AnyTapFn)(request, ...args);
      } catch (error) {
        fail(error, tap);
        continue;
      }
      if (this.listeners.length) {
        this.#record(request, tap, answer instanceof Response ? { status: answer.status } : answer);
      }
      const picked = pick(answer as Awaited<ReturnType<StageHandlers[S]>>, tap);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }

  #failed(request: PipelineRequest, tap: Tap, error: unknown): void {
    this.host.reportHookError(new HookError(tap.plugin, tap.stage, error), request);
    if (this.listeners.length) this.#record(request, tap, undefined, { error });
  }

  #record(request: PipelineRequest, tap: Tap, result: unknown, extra?: Partial<Decision>): void {
    const { stage, plugin, label } = tap;
    const applied = result !== undefined && result !== null;
    const decision: Decision = { requestId: request.id, stage, plugin, label, result, applied };
    Object.assign(decision, extra);
    for (const listener of this.listeners) {
      try {
        listener(decision);
      } catch (error) {
        this.host.reportHookError(new HookError(plugin, "decision", error), null);
      }
    }
  }
}

function collect(answers: Answer[], tap: Tap, result: unknown): void {
  if (result !== null && typeof result === "object") answers.push({ tap, result } as Answer);
}

/**
 * Chromium's rules for a blocking stage's answers: a cancel wins and every other action is lost
 * to it; the newest tap's redirect wins; header changes merge unless two taps set one header
 * differently, then the older tap's whole change is lost. Every lost action is returned.
 */
function merge(answers: Answer[], key: HeaderKey, original: Headers): Outcome {
  const outcome: Outcome = { cancel: null, redirectUrl: null, headers: null, ignored: [] };
  const newestFirst = answers.slice().sort((a, b) => b.tap.seq - a.tap.seq);
  const lost = (a: Answer, action: string, winner: string | null) =>
    outcome.ignored.push({ plugin: a.tap.plugin, label: a.tap.label, action, winner });
  const canceller = newestFirst.find((a) => a.result.cancel === true);
  if (canceller) {
    outcome.cancel = who(canceller.tap);
    if (typeof canceller.result.reason === "string") outcome.cancelReason = canceller.result.reason;
    for (const a of newestFirst) {
      if (who(a.tap) === outcome.cancel && a.result.cancel) continue;
      if (a.result.redirectUrl) lost(a, "redirect", outcome.cancel);
      if (a.result[key]) lost(a, key, outcome.cancel);
    }
    return outcome;
  }
  let redirector: Answer | null = null;
  for (const a of newestFirst) {
    const url = a.result.redirectUrl;
    if (typeof url !== "string" || url === "") continue;
    if (redirector === null) {
      redirector = a;
      outcome.redirectUrl = url;
    } else if (url !== outcome.redirectUrl) lost(a, "redirect", who(redirector.tap));
  }
  const claimed = new Map<string, { value: string | null; by: string }>();
  for (const a of newestFirst) {
    const init = a.result[key];
    if (init === undefined || init === null) continue;
    const delta = diff(original, new Headers(init as HeadersInit));
    const clash = [...delta].find(([name, v]) =>
      claimed.has(name) && claimed.get(name)!.value !== v
    );
    if (clash) {
      lost(a, key, claimed.get(clash[0])!.by);
      continue;
    }
    for (const [name, value] of delta) {
      if (!claimed.has(name)) claimed.set(name, { value, by: who(a.tap) });
    }
  }
  if (claimed.size > 0) {
    outcome.headers = new Headers(original);
    for (const [name, { value }] of claimed) {
      outcome.headers.delete(name);
      const lines = value === null ? [] : name === "set-cookie" ? value.split("\n") : [value];
      for (const line of lines) outcome.headers.append(name, line);
    }
  }
  return outcome;
}

/** What `after` changes of `before`: new values, and null for removed headers. */
function diff(before: Headers, after: Headers): Map<string, string | null> {
  const get = (h: Headers, name: string) =>
    name === "set-cookie" ? h.getSetCookie().join("\n") : h.get(name);
  const delta = new Map<string, string | null>();
  for (const name of new Set(after.keys())) {
    if (get(after, name) !== get(before, name)) delta.set(name, get(after, name));
  }
  for (const name of before.keys()) if (!after.has(name)) delta.set(name, null);
  return delta;
}

function who(tap: Tap): string {
  return tap.label === tap.plugin ? tap.plugin : `${tap.plugin}:${tap.label}`;
}

/** Throws `net::ERR_BLOCKED_BY_CLIENT` naming the tap and its reason when `outcome` cancels. */
export function passed(outcome: Outcome): Outcome {
  if (outcome.cancel === null) return outcome;
  const reason = outcome.cancelReason ? `: ${outcome.cancelReason}` : "";
  throw new NetError("net::ERR_BLOCKED_BY_CLIENT", `Blocked by ${outcome.cancel}${reason}`);
}

function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw new NetError("net::ERR_ABORTED", "The request was aborted", { cause: signal.reason });
}

/** Walks `request` to its response (the last hop's, or the one that stopped a manual redirect). */
export async function walk(
  run: Runner,
  request: PipelineRequest,
  input: PipelineInput,
): Promise<Response> {
  let skipBeforeRequest = false, authAttempts = 0, streamSent = false;
  for (;;) {
    throwIfAborted(request.signal);
    if (!skipBeforeRequest) {
      let before = run.blocking("beforeRequest", request, null);
      if (before instanceof Promise) before = await before;
      if (passed(before).redirectUrl) {
        const [redirect, target] = tapRedirect(request, before.redirectUrl!);
        if (follow(run, request, redirect, target, input, true)) continue;
        return redirect;
      }
    }
    skipBeforeRequest = false;
    let sending = run.blocking("beforeSendHeaders", request, null);
    if (sending instanceof Promise) sending = await sending;
    if (passed(sending).headers) request.headers = sending.headers!;
    run.observe("sendHeaders", request);
    if (request.body !== null && run.taps.tapCount("requestBody") > 0) {
      await tapRequestBody(run, request);
    }
    throwIfAborted(request.signal);
    if (request.body instanceof ReadableStream) {
      if (streamSent) {
        const why =
          "A streamed request body cannot be sent again (redirect or authentication retry)";
        throw new NetError("net::ERR_FAILED", why);
      }
      streamSent = true;
    }
    let response = await send(run, request);
    let received = run.blocking("headersReceived", request, response);
    if (received instanceof Promise) received = await received;
    if (received.cancel || received.redirectUrl) discard(response);
    if (passed(received).redirectUrl) {
      const [redirect, target] = tapRedirect(request, received.redirectUrl!);
      if (follow(run, request, redirect, target, input, true)) continue;
      return redirect;
    }
    if (received.headers) {
      const { status, statusText, body } = response;
      response = withUrl(
        new Response(body, { status, statusText, headers: received.headers }),
        request.url,
      );
    }
    const { status } = response;
    if (
      (status === 401 || status === 407) &&
      await authenticate(run, request, response, authAttempts++, input)
    ) {
      discard(response);
      skipBeforeRequest = true;
      continue;
    }
    const target = redirectTarget(response, request.url);
    if (target === null || !follow(run, request, response, target, input, false)) return response;
    if (status !== 307 && status !== 308) streamSent = false;
  }
}

/**
 * Follows `response`'s redirect to `target`, or returns false when the walk ends with it: in
 * `manual` mode unless `onRedirect` says follow (ClientRequest's `redirect` event, which Electron
 * also fires for the redirects taps ask for, `internal`, that are followed otherwise).
 */
function follow(
  run: Runner,
  request: PipelineRequest,
  response: Response,
  target: string,
  input: PipelineInput,
  internal: boolean,
): boolean {
  const mode = input.redirect ?? "follow";
  if (!internal) checkRedirectTarget(target, () => discard(response));
  if (mode === "error" && !internal) {
    discard(response);
    throw new NetError("net::ERR_FAILED", `Redirect to ${target} refused (redirect: "error")`);
  }
  if (mode === "manual" && !(input.onRedirect?.(request, response, target) ?? internal)) {
    return false;
  }
  if (request.redirectCount >= MAX_REDIRECTS) {
    discard(response);
    throw new NetError("net::ERR_TOO_MANY_REDIRECTS", `More than ${MAX_REDIRECTS} redirects`);
  }
  run.observe("beforeRedirect", request, response, target);
  discard(response);
  applyRedirect(request, response.status, target);
  return true;
}

/** The redirect a tap asked for: as Chrome reports it, a 307 from the hop that was redirected. */
function tapRedirect(request: PipelineRequest, url: string): [Response, string] {
  const target = URL.parse(url, request.url)?.href;
  if (!target) throw new NetError("net::ERR_INVALID_REDIRECT", `Invalid redirect URL "${url}"`);
  const headers = { location: target, "non-authoritative-reason": "WebRequest API" };
  const synthetic = new Response(null, { status: 307, statusText: "Internal Redirect", headers });
  return [withUrl(synthetic, request.url), target];
}

/** The first `transport` tap's Response, else the session's transport's. */
async function send(run: Runner, request: PipelineRequest): Promise<Response> {
  const answer = await run.first("transport", request, [], (answer, tap) => {
    if (answer instanceof Response) return answer;
    if (answer === undefined || answer === null) return undefined;
    const why = `The transport tap of ${tap.plugin} answered something that is not a Response`;
    throw new NetError("net::ERR_FAILED", why);
  }, (error, tap) => {
    if (isNetError(error)) throw error;
    throw new NetError("net::ERR_FAILED", `${tap.plugin} failed to answer the request`, {
      cause: new HookError(tap.plugin, "transport", error),
    });
  });
  if (answer) return answer;
  try {
    return markFetched(await run.host.transport().fetch(request));
  } catch (error) {
    throw toNetError(error, request.signal);
  }
}

/** Answers a 401/407 challenge: true when the request got credentials to try again with. */
async function authenticate(
  run: Runner,
  request: PipelineRequest,
  response: Response,
  attempts: number,
  { onAuth }: PipelineInput,
): Promise<boolean> {
  if (attempts >= MAX_AUTH_ATTEMPTS) return false;
  const askable = run.taps.tapCount("authRequired") > 0 || onAuth !== undefined;
  if (!askable && !mayHaveCredentials(run.taps, request)) return false;
  const challenge = parseChallenge(response, request.urlParts);
  if (!challenge) return false;
  const scheme = authScheme(challenge.scheme);
  if (!scheme) return false;
  // The session's auth cache first; then a tap answers with credentials, or null for a cancel
  // (undefined when every tap passed); then the caller.
  const cached = cachedCredentials(run.taps, request, challenge);
  if (cached) return await sendCredentials(request, challenge, cached, scheme);
  if (!askable) return false;
  let credentials = await run.first("authRequired", request, [response, challenge], (a) => {
    if (!a) return undefined;
    if ("cancel" in a && a.cancel) return null;
    return "username" in a ? { username: a.username, password: a.password } : undefined;
  });
  if (credentials === undefined && onAuth) {
    credentials = (await onAuth(request, challenge, response)) ?? null;
  }
  if (!credentials) return false;
  rememberCredentials(run.taps, challenge, credentials);
  return await sendCredentials(request, challenge, credentials, scheme);
}

async function sendCredentials(
  request: PipelineRequest,
  challenge: AuthChallenge,
  credentials: AuthCredentials,
  scheme: AuthScheme,
): Promise<true> {
  const value = await scheme(challenge, credentials, request);
  const headers = new Headers(request.headers);
  headers.set(challenge.isProxy ? "proxy-authorization" : "authorization", value);
  request.headers = headers;
  return true;
}
