/**
 * One request's walk through the stages, hop after hop: `beforeRequest` -> `beforeSendHeaders`
 * -> `sendHeaders` -> transport -> `headersReceived` -> (`authRequired`, the same hop again) ->
 * (`beforeRedirect`, the next hop) -> the response.
 *
 * @module
 */
import { HookError, isNetError, NetError, toNetError } from "./errors.ts";
import type { MergedOutcome } from "./_merge.ts";
import { applyRedirect, MAX_REDIRECTS, redirectTarget } from "./_redirect.ts";
import { authScheme, parseChallenge } from "./_auth.ts";
import { markFetched, withUrl } from "./_response.ts";
import { tapRequestBody } from "./_body_taps.ts";
import type { PipelineInput } from "./pipeline_input.ts";
import type { PipelineRequest } from "./request.ts";
import type { StageRunner } from "./runners.ts";

const MAX_AUTH_ATTEMPTS = 8;

const discard = (response: Response) => response.body?.cancel().catch(() => {});

/**
 * Throws `net::ERR_BLOCKED_BY_CLIENT`, naming the tap and its reason, when a blocking stage's
 * outcome is a cancel; returns the outcome otherwise.
 *
 * @example
 * ```ts
 * // const outcome = passed(await run.blocking("beforeRequest", request, null));
 * ```
 */
export function passed(outcome: MergedOutcome): MergedOutcome {
  if (outcome.cancel === null) return outcome;
  const reason = outcome.cancelReason ? `: ${outcome.cancelReason}` : "";
  throw new NetError("net::ERR_BLOCKED_BY_CLIENT", `Blocked by ${outcome.cancel}${reason}`);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new NetError("net::ERR_ABORTED", "The request was aborted", { cause: signal.reason });
  }
}

/**
 * Walks `request` to its response (the last hop's, or the one that stopped a manual redirect).
 *
 * @example
 * ```ts
 * // const response = await walk(runner, request, input);
 * ```
 */
export async function walk(
  run: StageRunner,
  request: PipelineRequest,
  input: PipelineInput,
): Promise<Response> {
  let skipBeforeRequest = false;
  let authAttempts = 0;
  let streamSent = false;
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
        throw new NetError(
          "net::ERR_FAILED",
          "A streamed request body cannot be sent again (redirect or authentication retry)",
        );
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
      const { status, statusText } = response;
      response = withUrl(
        new Response(response.body, { status, statusText, headers: received.headers }),
        request.url,
      );
    }
    const { status } = response;
    if (
      (status === 401 || status === 407) &&
      await authenticate(run, request, response, authAttempts, input.onAuth)
    ) {
      authAttempts++;
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
 * Follows `response`'s redirect to `target`, or returns false when the walk ends with it
 * (`manual` mode and the caller declined: ClientRequest's `redirect` event, which Electron also
 * fires for the redirects taps ask for, `internal`).
 */
function follow(
  run: StageRunner,
  request: PipelineRequest,
  response: Response,
  target: string,
  input: PipelineInput,
  internal: boolean,
): boolean {
  const mode = input.redirect ?? "follow";
  if (mode === "error" && !internal) {
    discard(response);
    throw new NetError("net::ERR_FAILED", `Redirect to ${target} refused (redirect: "error")`);
  }
  if (
    mode === "manual" &&
    (input.onRedirect ? !input.onRedirect(request, response, target) : !internal)
  ) {
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
  let target: string;
  try {
    target = new URL(url, request.url).href;
  } catch {
    throw new NetError("net::ERR_INVALID_REDIRECT", `Invalid redirect URL "${url}"`);
  }
  const headers = { location: target, "non-authoritative-reason": "WebRequest API" };
  const synthetic = new Response(null, { status: 307, statusText: "Internal Redirect", headers });
  return [withUrl(synthetic, request.url), target];
}

/** The first `transport` tap's Response, else the session's transport's. */
async function send(run: StageRunner, request: PipelineRequest): Promise<Response> {
  const answer = await run.first("transport", request, [], (answer, tap) => {
    if (answer instanceof Response) return answer;
    if (answer === undefined || answer === null) return undefined;
    throw new NetError(
      "net::ERR_FAILED",
      `The transport tap of ${tap.plugin} answered something that is not a Response`,
    );
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
  run: StageRunner,
  request: PipelineRequest,
  response: Response,
  attempts: number,
  onAuth: PipelineInput["onAuth"],
): Promise<boolean> {
  if (attempts >= MAX_AUTH_ATTEMPTS) return false;
  if (run.taps.tapCount("authRequired") === 0 && !onAuth) return false;
  const challenge = parseChallenge(response, request.urlParts);
  if (!challenge) return false;
  const scheme = authScheme(challenge.scheme);
  if (!scheme) return false;
  // A tap answers with credentials, or null for a cancel; undefined when every tap passed.
  let credentials = await run.first("authRequired", request, [response, challenge], (a) => {
    if (!a) return undefined;
    if ("cancel" in a && a.cancel) return null;
    return "username" in a ? { username: a.username, password: a.password } : undefined;
  });
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
