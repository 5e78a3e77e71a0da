/**
 * One request's walk, hop after hop: `beforeRequest` -> `beforeSendHeaders` -> `sendHeaders` ->
 * transport -> `headersReceived` -> (`authRequired`: the same hop again) -> (`beforeRedirect`: the
 * next hop) -> the response, whose end produces exactly one `completed` or `errorOccurred`. A
 * `transport` tap that throws fails the request.
 *
 * @module
 */
import { HookError, isNetError, NetError, type NetError as NetErrorType } from "../errors.ts";
import { toNetError } from "./to_net_error.ts";
import {
  applyRedirect,
  type AuthScheme,
  authScheme,
  deliverResponse,
  followedRedirects,
  markFetched,
  MAX_REDIRECTS,
  parseChallenge,
  redirectTarget,
  withUrl,
} from "./rules.ts";
import { checkRedirectTarget } from "./unsafe_redirect.ts";
import { cachedCredentials, mayHaveCredentials, rememberCredentials } from "./auth_cache.ts";
import { includesCredentials } from "./credentials_mode.ts";
import { addStackHeader } from "./stack_headers.ts";
import { HopRequest } from "./hop_request.ts";
import { HopReferrer } from "./hop_referrer.ts";
import type { Pipeline } from "../pipeline.ts";
import { type Outcome, passed, type Runner, runnerOf } from "./runner.ts";
import type { AuthChallenge, AuthCredentials, PipelineInput, PipelineRequest } from "../request.ts";
import { onFirstUse } from "../lazy.ts";

// The body stages' runner loads with the first request a body tap sees (issue #24: most sessions
// have none); once loaded it is called without waiting.
const loadBodyTaps = onFirstUse(
  "the body stages (kernel/http/body_taps.ts)",
  () => import("./body_taps.ts"),
);
let bodyTaps: Awaited<ReturnType<typeof loadBodyTaps>> | null = null;
const bodyTapsNow = async () => bodyTaps ??= await loadBodyTaps();

const MAX_AUTH_ATTEMPTS = 8;
/** The statuses whose responses have no body (fetch's null body statuses a Response may have). */
const NULL_BODY: ReadonlySet<number> = new Set([204, 205, 304]);
const discard = (response: Response) => response.body?.cancel().catch(() => {});

/** The function that ends a request once: `completed` or `errorOccurred`, then `onEnd`. */
export function ender(
  run: Runner,
  request: PipelineRequest,
  onEnd: PipelineInput["onEnd"],
): (error: NetErrorType | null, response: Response | null) => void {
  let ended = false;
  return (error, response) => {
    if (ended) return;
    ended = true;
    if (error) run.observe("errorOccurred", request, error);
    else run.observe("completed", request, response!);
    onEnd?.(request, error);
  };
}

/** A new request of `pipeline` for `input` (the session's next id and time). */
export function startRequest(run: Runner, input: PipelineInput): PipelineRequest {
  const request = new HopRequest(run.host.nextId(), run.host.now(), input);
  input.onStart?.(request);
  return request;
}

/**
 * Runs one request through the pipeline and resolves to its response (`pipeline.run`).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("run-example", { plugins: [] });
 * const input = { url: "data:,hi", method: "GET", headers: new Headers(), body: null };
 * await (await runRequest(ses.pipeline, input)).text(); // "hi"
 * ```
 */
export async function runRequest(pipeline: Pipeline, input: PipelineInput): Promise<Response> {
  const run = runnerOf(pipeline);
  const request = startRequest(run, input);
  let response: Response;
  try {
    response = await walk(run, request, input);
    if (pipeline.tapCount("responseBody") > 0) {
      const tapped = (bodyTaps ?? await bodyTapsNow()).tapResponseBody(run, request, response);
      response = tapped instanceof Promise ? await tapped : tapped;
    }
  } catch (error) {
    const netError = toNetError(error, request.signal);
    ender(run, request, input.onEnd)(netError, null);
    throw netError;
  }
  run.observe("responseStarted", request, response);
  const watch = input.onEnd !== undefined || run.taps.bodyWatchers > 0;
  return deliverResponse(request, response, watch ? ender(run, request, input.onEnd) : null);
}

/**
 * Runs only `beforeRequest` for what the session does not send itself (a CONNECT tunnel to
 * `https://host:port/`). Rejects with `net::ERR_BLOCKED_BY_CLIENT` when a tap cancels; else
 * resolves to the request and the function that ends it (`completed` with a 200, or
 * `errorOccurred`).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("admit-example", { plugins: [] });
 * const input = { url: "https://a.test/", method: "CONNECT", headers: new Headers(), body: null };
 * const { end } = await admitRequest(ses.pipeline, input);
 * end(null);
 * ```
 */
export async function admitRequest(pipeline: Pipeline, input: PipelineInput): Promise<{
  request: PipelineRequest;
  end(error: NetErrorType | null): void;
}> {
  const run = runnerOf(pipeline);
  const request = new HopRequest(run.host.nextId(), run.host.now(), input);
  const done = ender(run, request, undefined);
  const end = (error: NetErrorType | null) =>
    done(error, error ? null : withUrl(new Response(null), request.url));
  try {
    passed(await run.blocking("beforeRequest", request, null));
    run.settled("beforeRequest", request, null);
  } catch (error) {
    const netError = toNetError(error, request.signal);
    end(netError);
    throw netError;
  }
  return { request, end };
}

function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw new NetError("net::ERR_ABORTED", "The request was aborted", { cause: signal.reason });
}

/** Walks `request` to its response (the last hop's, or the one that stopped a manual redirect). */
async function walk(
  run: Runner,
  request: PipelineRequest,
  input: PipelineInput,
): Promise<Response> {
  let skipBeforeRequest = false, authAttempts = 0, streamSent = false;
  // The Referer of each hop, recomputed after every redirect (none: nothing to do).
  const referrer = input.referrer
    ? new HopReferrer(input.referrer, input.referrerPolicy ?? "")
    : null;
  for (;;) {
    throwIfAborted(request.signal);
    if (!skipBeforeRequest) {
      referrer?.applyTo(request);
      let before = run.blocking("beforeRequest", request, null);
      if (before instanceof Promise) before = await before;
      passed(before);
      run.settled("beforeRequest", request, null);
      if (before.redirectUrl) {
        const [redirect, target] = tapRedirect(request, before.redirectUrl!);
        if (follow(run, request, redirect, target, input, true)) continue;
        return redirect;
      }
    }
    skipBeforeRequest = false;
    let sending = run.blocking("beforeSendHeaders", request, null);
    if (sending instanceof Promise) sending = await sending;
    if (passed(sending).headers) request.headers = sending.headers!;
    run.settled("beforeSendHeaders", request, null);
    run.observe("sendHeaders", request);
    if (request.body !== null && run.taps.tapCount("requestBody") > 0) {
      await (bodyTaps ?? await bodyTapsNow()).tapRequestBody(run, request);
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
    let response = await send(run, request, input);
    let received = run.blocking("headersReceived", request, response);
    if (received instanceof Promise) received = await received;
    if (received.cancel || received.redirectUrl) discard(response);
    if (passed(received).headers) response = answeredResponse(request, response, received);
    // e.g. the cookies plugin stores Set-Cookie as the answers left it (Chromium's order)
    run.settled("headersReceived", request, response);
    if (received.redirectUrl) {
      const [redirect, target] = tapRedirect(request, received.redirectUrl);
      if (follow(run, request, redirect, target, input, true)) continue;
      return redirect;
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
    if (target !== null) referrer?.redirectedBy(response);
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

/**
 * The hop's response with the headers (and status) the `headersReceived` answers set. A null-body
 * status (204, 205, 304) cannot carry the body it replaces; a redirect the answers asked for has
 * dropped it already.
 */
function answeredResponse(request: PipelineRequest, response: Response, answer: Outcome): Response {
  const { code: status, text: statusText } = answer.status ??
    { code: response.status, text: response.statusText };
  let body = response.body;
  if (answer.redirectUrl) body = null;
  else if (NULL_BODY.has(status)) body = (discard(response), null);
  return withUrl(new Response(body, { status, statusText, headers: answer.headers! }), request.url);
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
function send(
  run: Runner,
  request: PipelineRequest,
  input: PipelineInput,
): Promise<Response> {
  const answer = run.first("transport", request, [], (answer, tap) => {
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
  if (answer instanceof Promise) {
    return answer.then((tapped) =>
      tapped ? sent(request, input, tapped) : fromTransport(run, request, input)
    );
  }
  return answer
    ? Promise.resolve(sent(request, input, answer))
    : fromTransport(run, request, input);
}

/**
 * The session's transport's response: its promise continued, not awaited in an async function
 * (one promise layer fewer for every request that goes to the network).
 */
function fromTransport(
  run: Runner,
  request: PipelineRequest,
  input: PipelineInput,
): Promise<Response> {
  let fetched: Promise<Response>;
  try {
    fetched = run.host.transport().fetch(request);
  } catch (error) {
    return Promise.reject(toNetError(error, request.signal));
  }
  return fetched.then(
    (response) => sent(request, input, markFetched(response)),
    (error) => Promise.reject(toNetError(error, request.signal)),
  );
}

/** The hop's response as the walk goes on with it (a transport's followed redirects adopted). */
function sent(request: PipelineRequest, input: PipelineInput, response: Response): Response {
  if (followedRedirects(response)) adoptFollowedRedirects(request, response, input);
  return response;
}

/**
 * A transport that follows redirects itself (the browser's: a page's fetch hides them) answers
 * with the last hop: the request moves to that hop's URL, so the caller's response and the taps
 * name where it ended, and `redirect: "error"` still refuses it.
 */
function adoptFollowedRedirects(
  request: PipelineRequest,
  response: Response,
  input: PipelineInput,
): void {
  const finalUrl = response.url;
  if (finalUrl === "" || finalUrl === request.url) return;
  if (input.redirect === "error") {
    discard(response);
    throw new NetError("net::ERR_FAILED", `Redirect to ${finalUrl} refused (redirect: "error")`);
  }
  request.urlList.push(request.url);
  request.url = finalUrl;
  request.redirectCount++;
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
  // A server's challenge to a hop without credentials is the response (fetch), nobody is asked.
  if (!challenge.isProxy && !includesCredentials(request)) return false;
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
  // out of webRequest's view, as Chromium's auth controller adds it after the listeners ran
  addStackHeader(request, challenge.isProxy ? "proxy-authorization" : "authorization", value);
  return true;
}
