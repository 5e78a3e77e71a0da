/**
 * The runner of each kind of stage (`STAGE_KINDS`): `observe` calls every tap, `blocking` merges
 * their answers by Chromium's rules, `first` asks one after another. A tap that throws is
 * reported, never fatal; the walk (`walk.ts`) decides what a `transport` tap's throw does.
 *
 * @module
 */
import { HookError, NetError } from "../errors.ts";
import { type Pipeline, SETTLED_RANK, type Stage, type StageOfKind } from "../pipeline.ts";
import type {
  Decision,
  IgnoredAction,
  PipelineHost,
  PipelineRequest,
  StageHandlers,
  Tap,
} from "../request.ts";

const runners = new WeakMap<Pipeline, Runner>();

/** The runner of a pipeline's stages (made on first use). */
export function runnerOf(pipeline: Pipeline): Runner {
  let runner = runners.get(pipeline);
  if (runner === undefined) runners.set(pipeline, runner = new Runner(pipeline));
  return runner;
}

type Args<S extends Stage> = StageHandlers[S] extends (r: PipelineRequest, ...a: infer A) => unknown
  ? A
  : never;
// deno-lint-ignore no-explicit-any
type AnyTapFn = (request: PipelineRequest, ...args: any[]) => unknown;
export type HeaderKey = "requestHeaders" | "responseHeaders";
type Answer = {
  tap: Tap;
  result: {
    cancel?: boolean;
    reason?: string;
    redirectUrl?: string;
    statusCode?: unknown;
    statusText?: unknown;
  } & Record<HeaderKey, unknown>;
};
export interface Outcome {
  cancel: string | null;
  cancelReason?: string;
  redirectUrl: string | null;
  headers: Headers | null;
  /** The status a `headersReceived` answer set, with the headers it answered (newest tap's). */
  status?: { code: number; text: string };
  ignored: IgnoredAction[];
}

const EMPTY: Outcome = Object.freeze({
  cancel: null,
  redirectUrl: null,
  headers: null,
  ignored: [],
});

/** Runs the taps of a pipeline's stages and tells the decision listeners what they answered. */
export class Runner {
  /** What the pipeline needs from its session. */ readonly host: PipelineHost;
  /** Made once per pipeline, by {@link runnerOf}. */
  constructor(readonly taps: Pipeline) {
    this.host = taps.host;
  }

  /**
   * Calls every tap that applies; a promise a tap returns is not waited for. Fixed arity (stages
   * pass at most two arguments after the request): no array or closure is made per call.
   */
  observe<S extends StageOfKind<"observe">>(
    stage: S,
    request: PipelineRequest,
    ...args: Args<S>
  ): void;
  observe(stage: Stage, request: PipelineRequest, a?: unknown, b?: unknown): void {
    for (const tap of this.taps.tapsFor(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      try {
        const result = (tap.fn as AnyTapFn)(request, a, b);
        if (result instanceof Promise) this.#watch(request, tap, result);
      } catch (error) {
        this.#failed(request, tap, error);
      }
    }
  }

  /**
   * Waits for every tap that applies and merges the answers; synchronous when none is a promise,
   * and then without an allocation when none answers (taps that only observe).
   */
  blocking(
    stage: StageOfKind<"blocking">,
    request: PipelineRequest,
    response: Response | null,
  ): Outcome | Promise<Outcome> {
    if (this.taps.tapCount(stage) === 0) return EMPTY;
    let answers: Answer[] | null = null;
    let pending: [Tap, Promise<unknown>][] | null = null;
    for (const tap of this.taps.tapsFor(stage, request)) {
      if (tap.rank === SETTLED_RANK) break; // the last ones, run by `settled`
      if (tap.filter && !tap.filter(request)) continue;
      try {
        const result = (tap.fn as AnyTapFn)(request, response);
        if (result instanceof Promise) (pending ??= []).push([tap, result]);
        else if (isAnswer(result)) {
          (answers ??= []).push({ tap, result } as Answer);
        }
      } catch (error) {
        this.#failed(request, tap, error);
      }
    }
    if (pending !== null) return this.#settle(stage, request, response, answers ?? [], pending);
    return answers === null ? EMPTY : this.#outcome(stage, request, response, answers);
  }

  /**
   * Calls the `settled` taps of a blocking stage once its answers are merged and applied (the walk
   * calls it unless they cancelled): with the request as it goes on and, for `headersReceived`,
   * the response as the answers left it. Like `observe`: nothing is waited for, nothing answers.
   */
  settled(
    stage: StageOfKind<"blocking">,
    request: PipelineRequest,
    response: Response | null,
  ): void {
    if (this.taps.settledCount(stage) === 0) return;
    for (const tap of this.taps.settledTapsFor(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      try {
        const result = (tap.fn as AnyTapFn)(request, response);
        if (result instanceof Promise) this.#watch(request, tap, result);
      } catch (error) {
        this.#failed(request, tap, error);
      }
    }
  }

  #watch(request: PipelineRequest, tap: Tap, result: Promise<unknown>): void {
    result.catch((error) => this.#failed(request, tap, error));
  }

  /** The answers of a blocking stage's promises, collected as they settle, then merged. */
  #settle(
    stage: StageOfKind<"blocking">,
    request: PipelineRequest,
    response: Response | null,
    answers: Answer[],
    pending: [Tap, Promise<unknown>][],
  ): Promise<Outcome> {
    return Promise.all(pending.map(([tap, result]) =>
      result.then(
        (value) => collect(answers, tap, value),
        (error) => this.#failed(request, tap, error),
      )
    )).then(() => answers.length === 0 ? EMPTY : this.#outcome(stage, request, response, answers));
  }

  #outcome(
    stage: StageOfKind<"blocking">,
    request: PipelineRequest,
    response: Response | null,
    answers: Answer[],
  ): Outcome {
    const outcome = response
      ? merge(answers, "responseHeaders", response.headers)
      : merge(answers, "requestHeaders", request.headers);
    for (const action of outcome.ignored) this.host.reportIgnored(request, stage, action);
    if (this.taps.decisionListeners.length) {
      for (const { tap, result } of answers) {
        const lost = outcome.ignored.find((i) => i.plugin === tap.plugin && i.label === tap.label);
        this.#record(request, tap, result, { applied: !lost, winner: lost?.winner ?? null });
      }
    }
    return outcome;
  }

  /**
   * Asks the taps one after another until `pick` turns an answer into a result; `fail` decides
   * what a throwing tap does (default: reported, next tap). Synchronous while the taps answer
   * synchronously (no promise is made for a tap that passes at once: most requests); from the
   * first tap that answers a promise on, the rest is asked asynchronously. `fail` may throw: then
   * so does `first` (or its promise rejects).
   */
  first<S extends StageOfKind<"first">, R>(
    stage: S,
    request: PipelineRequest,
    args: Args<S>,
    pick: (answer: Awaited<ReturnType<StageHandlers[S]>>, tap: Tap<S>) => R | undefined,
    fail: (error: unknown, tap: Tap<S>) => void = (error, tap) => this.#failed(request, tap, error),
  ): R | undefined | Promise<R | undefined> {
    const taps = this.taps.tapsFor(stage, request);
    for (let i = 0; i < taps.length; i++) {
      const tap = taps[i];
      if (tap.filter && !tap.filter(request)) continue;
      let answer;
      try {
        answer = (tap.fn as AnyTapFn)(request, ...args);
      } catch (error) {
        fail(error, tap);
        continue;
      }
      if (answer instanceof Promise) {
        return this.#firstFrom(taps, i, answer, request, args, pick, fail);
      }
      const picked = this.#picked(request, tap, answer, pick);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }

  /** `first` from the tap at `index`, whose answer is the promise `pending`, on. */
  async #firstFrom<S extends StageOfKind<"first">, R>(
    taps: readonly Tap<S>[],
    index: number,
    pending: Promise<unknown>,
    request: PipelineRequest,
    args: Args<S>,
    pick: (answer: Awaited<ReturnType<StageHandlers[S]>>, tap: Tap<S>) => R | undefined,
    fail: (error: unknown, tap: Tap<S>) => void,
  ): Promise<R | undefined> {
    for (let i = index; i < taps.length; i++) {
      const tap = taps[i];
      if (i > index && tap.filter && !tap.filter(request)) continue;
      let answer;
      try {
        answer = i === index ? await pending : await (tap.fn as AnyTapFn)(request, ...args);
      } catch (error) {
        fail(error, tap);
        continue;
      }
      const picked = this.#picked(request, tap, answer, pick);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }

  #picked<S extends StageOfKind<"first">, R>(
    request: PipelineRequest,
    tap: Tap<S>,
    answer: unknown,
    pick: (answer: Awaited<ReturnType<StageHandlers[S]>>, tap: Tap<S>) => R | undefined,
  ): R | undefined {
    if (this.taps.decisionListeners.length) {
      this.#record(request, tap, answer instanceof Response ? { status: answer.status } : answer);
    }
    return pick(answer as Awaited<ReturnType<StageHandlers[S]>>, tap);
  }

  #failed(request: PipelineRequest, tap: Tap, error: unknown): void {
    this.host.reportHookError(new HookError(tap.plugin, tap.stage, error), request);
    if (this.taps.decisionListeners.length) this.#record(request, tap, undefined, { error });
  }

  #record(request: PipelineRequest, tap: Tap, result: unknown, extra?: Partial<Decision>): void {
    const { stage, plugin, label } = tap;
    const applied = result !== undefined && result !== null;
    const decision: Decision = { requestId: request.id, stage, plugin, label, result, applied };
    Object.assign(decision, extra);
    for (const listener of this.taps.decisionListeners) {
      try {
        listener(decision);
      } catch (error) {
        this.host.reportHookError(new HookError(plugin, "decision", error), null);
      }
    }
  }
}

function collect(answers: Answer[], tap: Tap, result: unknown): void {
  if (isAnswer(result)) answers.push({ tap, result } as Answer);
}

/** Whether a blocking tap answered something (an object) rather than passing. */
function isAnswer(result: unknown): result is object {
  return result !== null && typeof result === "object";
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
  // a status a Response can have (200-599), with the headers it goes with
  const status = newestFirst.find((a) => isResponseStatus(a.result.statusCode) && a.result[key]);
  if (status) {
    const text = status.result.statusText;
    outcome.status = { code: status.result.statusCode as number, text: String(text ?? "") };
  }
  // the walk makes a new response when there are headers: a status alone needs them too
  if (claimed.size > 0 || status) {
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

function isResponseStatus(code: unknown): code is number {
  return Number.isInteger(code) && (code as number) >= 200 && (code as number) <= 599;
}
