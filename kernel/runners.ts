/**
 * The three ways a stage's taps run, one per kind of stage (stages.ts): `observe` calls every tap
 * and waits for none, `blocking` waits for every tap and merges their answers, `first` asks one
 * tap after another until one answers. A tap that throws is reported, never fatal, unless the
 * caller of `first` says otherwise.
 *
 * @module
 */
import { HookError } from "./errors.ts";
import { mergeBlocking, type MergedOutcome, type TapAnswer } from "./_merge.ts";
import type { PipelineHost } from "./pipeline_input.ts";
import type { StageHandlers, Tap } from "./pipeline_types.ts";
import type { PipelineRequest } from "./request.ts";
import type { Stage, StageOfKind } from "./stages.ts";
import type { TapRegistry } from "./taps.ts";
import type { Trace } from "./trace.ts";

/** What a stage's taps get after the request. */
type Args<S extends Stage> = StageHandlers[S] extends (r: PipelineRequest, ...a: infer A) => unknown
  ? A
  : never;
// deno-lint-ignore no-explicit-any
type AnyTapFn = (request: PipelineRequest, ...args: any[]) => unknown;
type Answer = TapAnswer<Record<string, unknown>> & { tap: Tap };

const EMPTY: MergedOutcome = Object.freeze({
  cancel: null,
  redirectUrl: null,
  headers: null,
  ignored: [],
});

/**
 * Runs the taps of a pipeline's stages.
 *
 * @example
 * ```ts
 * // const run = new StageRunner(taps, trace, host);
 * // run.observe("sendHeaders", request);
 * ```
 */
export class StageRunner {
  /** The taps it runs. */
  readonly taps: TapRegistry;
  /** The session. */
  readonly host: PipelineHost;
  #trace: Trace;

  /** Made by the pipeline. */
  constructor(taps: TapRegistry, trace: Trace, host: PipelineHost) {
    this.taps = taps;
    this.host = host;
    this.#trace = trace;
  }

  /** `observe`: calls every tap that applies; a promise a tap returns is not waited for. */
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

  /**
   * `blocking`: calls every tap that applies, waits for all, and merges their answers (the
   * response's headers when `response` is given, else the request's). Synchronous when no tap
   * answers with a promise.
   */
  blocking(
    stage: StageOfKind<"blocking">,
    request: PipelineRequest,
    response: Response | null,
  ): MergedOutcome | Promise<MergedOutcome> {
    if (this.taps.tapCount(stage) === 0) return EMPTY;
    const answers: Answer[] = [];
    let pending: Promise<void>[] | null = null;
    for (const tap of this.taps.tapsFor(stage, request)) {
      if (tap.filter && !tap.filter(request)) continue;
      try {
        const result = (tap.fn as AnyTapFn)(request, response);
        if (result instanceof Promise) {
          (pending ??= []).push(result.then(
            (value) => collect(answers, tap, value),
            (error) => this.#failed(request, tap, error),
          ));
        } else collect(answers, tap, result);
      } catch (error) {
        this.#failed(request, tap, error);
      }
    }
    const merge = () => this.#merge(stage, request, answers, response);
    return pending ? Promise.all(pending).then(merge) : merge();
  }

  #merge(
    stage: Stage,
    request: PipelineRequest,
    answers: Answer[],
    response: Response | null,
  ): MergedOutcome {
    if (answers.length === 0) return EMPTY;
    const outcome = response
      ? mergeBlocking(answers, "responseHeaders", response.headers)
      : mergeBlocking(answers, "requestHeaders", request.headers);
    for (const action of outcome.ignored) this.host.reportIgnored(request, stage, action);
    if (this.#trace.on) {
      for (const { tap, result } of answers) {
        const lost = outcome.ignored.find((i) => i.plugin === tap.plugin && i.label === tap.label);
        this.#trace.record(request, tap, result, { applied: !lost, winner: lost?.winner ?? null });
      }
    }
    return outcome;
  }

  /**
   * `first`: asks the taps that apply one after another; `pick` turns an answer into the result
   * (undefined: ask the next tap). `fail` decides what a throwing tap does (default: reported,
   * next tap). Resolves to undefined when no tap answered.
   */
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
      if (this.#trace.on) {
        this.#trace.record(
          request,
          tap,
          answer instanceof Response ? { status: answer.status } : answer,
        );
      }
      const picked = pick(answer as Awaited<ReturnType<StageHandlers[S]>>, tap);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }

  #failed(request: PipelineRequest, tap: Tap, error: unknown): void {
    this.host.reportHookError(new HookError(tap.plugin, tap.stage, error), request);
    if (this.#trace.on) this.#trace.record(request, tap, undefined, { error });
  }
}

function collect(answers: Answer[], tap: Tap, value: unknown): void {
  if (value === undefined || value === null || typeof value !== "object") return;
  answers.push({
    tap,
    plugin: tap.plugin,
    label: tap.label,
    seq: tap.seq,
    result: value as Record<string, unknown>,
  });
}
