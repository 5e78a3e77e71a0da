/**
 * What each listener and rule asked for a request and what was applied, kept for the most recent
 * requests (`ses.webRequest.explain(requestId)`).
 *
 * @module
 */

/** One step of a request's trace. */
export interface TraceStep {
  /** The pipeline stage. */
  stage: string;
  /** Who acted: a listener's label, `declarativeNetRequest`, or another plugin's tap. */
  by: string;
  /** The plugin of the tap. */
  plugin: string;
  /** What it asked (its answer), if anything. */
  asked?: unknown;
  /** Whether what it asked was applied. */
  applied: boolean;
  /** Who won when it was not applied. */
  winner?: string | null;
  /** Why it failed (a thrown error or a timeout), if it did. */
  error?: string;
  /** Declarative rules that matched, as `{ ruleId, rulesetId }`. */
  rules?: Array<{ ruleId: number; rulesetId: string }>;
}

/** The trace of one request. */
export interface Explanation {
  /** The request's id. */
  requestId: number;
  /** The steps in the order they happened. */
  steps: TraceStep[];
}

/**
 * Traces of the most recent requests.
 *
 * @example
 * ```ts
 * const traces = new Traces(2);
 * traces.add(1, { stage: "beforeRequest", by: "a", plugin: "web-request", applied: true });
 * traces.get(1).steps.length; // 1
 * ```
 */
export class Traces {
  readonly #limit: number;
  readonly #byRequest = new Map<number, TraceStep[]>();

  /** Keeps the traces of at most `limit` requests. */
  constructor(limit = 1000) {
    this.#limit = limit;
  }

  /** Adds a step to a request's trace. */
  add(requestId: number, step: TraceStep): void {
    let steps = this.#byRequest.get(requestId);
    if (!steps) {
      if (this.#byRequest.size >= this.#limit) {
        this.#byRequest.delete(this.#byRequest.keys().next().value!);
      }
      steps = [];
      this.#byRequest.set(requestId, steps);
    }
    steps.push(step);
  }

  /** The trace of a request (empty steps when unknown or forgotten). */
  get(requestId: number): Explanation {
    return { requestId, steps: [...(this.#byRequest.get(requestId) ?? [])] };
  }
}
