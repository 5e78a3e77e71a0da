/**
 * The decisions of a pipeline's taps (what each answered, whether it was applied), told to
 * whoever subscribed: `webRequest.explain`, the net log. Nothing is built while nobody listens.
 *
 * @module
 */
import { HookError } from "./errors.ts";
import type { Decision, Tap } from "./pipeline_types.ts";
import type { PipelineRequest } from "./request.ts";

/**
 * The decision listeners of a pipeline.
 *
 * @example
 * ```ts
 * const trace = new Trace(() => {});
 * const stop = trace.subscribe((d) => console.log(d.plugin, d.applied));
 * trace.on; // true
 * stop();
 * ```
 */
export class Trace {
  #listeners: Array<(decision: Decision) => void> = [];
  #report: (error: HookError) => void;

  /** `report` is told about listeners that throw. */
  constructor(report: (error: HookError) => void) {
    this.#report = report;
  }

  /** Whether anybody listens. */
  get on(): boolean {
    return this.#listeners.length > 0;
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (decision: Decision) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Tells every listener what `tap` answered for `request` (applied unless it passed). */
  record(request: PipelineRequest, tap: Tap, result: unknown, extra?: Partial<Decision>): void {
    const decision: Decision = {
      requestId: request.id,
      stage: tap.stage,
      plugin: tap.plugin,
      label: tap.label,
      result,
      applied: result !== undefined && result !== null,
      ...extra,
    };
    for (const listener of this.#listeners) {
      try {
        listener(decision);
      } catch (error) {
        this.#report(new HookError(decision.plugin, "decision", error));
      }
    }
  }
}
