/**
 * The taps of one pipeline, stage by stage, kept sorted (pre -> normal -> post, then install
 * order), and tap groups: many taps of one plugin chosen per request in one call.
 *
 * @module
 */
import type { PipelineRequest } from "./request.ts";
import type { StageHandlers, Tap, TapGroup, TapOptions } from "./pipeline_types.ts";
import { isStage, type Stage, STAGES } from "./stages.ts";

const RANK = { pre: 0, normal: 1, post: 2 } as const;

/**
 * The tap registry of a pipeline (the pipeline is one).
 *
 * @example
 * ```ts
 * const taps = new TapRegistry();
 * const remove = taps.tap("completed", () => {}, { plugin: "example" });
 * taps.tapCount("completed"); // 1
 * remove();
 * ```
 */
export class TapRegistry {
  #taps = Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as { [S in Stage]: Tap<S>[] };
  #grouped = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  #seq = 0;
  #bodyWatchers = 0;

  /** Installs a tap; returns the function that removes it. */
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
    if (!isStage(stage)) throw new TypeError(`Unknown pipeline stage "${stage}"`);
    if (typeof fn !== "function") {
      throw new TypeError(`The tap for "${stage}" of ${options.plugin} must be a function`);
    }
    const tap: Tap<S> = {
      ...this.#made(stage, fn, options.plugin, options.label ?? options.plugin, options.order),
      filter: options.filter,
      members,
    };
    const taps = this.#taps as Record<Stage, Tap<S>[]>;
    taps[stage] = [...taps[stage], tap].sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    if (members) this.#grouped[stage]++;
    const watches = (stage === "completed" || stage === "errorOccurred") &&
      options.watchBody !== false;
    if (watches) this.#bodyWatchers++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      taps[stage] = taps[stage].filter((t) => t !== tap);
      if (members) this.#grouped[stage]--;
      if (watches) this.#bodyWatchers--;
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
    return {
      add: (fn, label) => this.#made(stage, fn, options.plugin, label, options.order),
      remove,
    };
  }

  #made<S extends Stage>(
    stage: S,
    fn: StageHandlers[S],
    plugin: string,
    label: string,
    order: TapOptions["order"] = "normal",
  ): Tap<S> {
    if (!Object.hasOwn(RANK, order)) {
      throw new TypeError(`Unknown tap order "${order}" (use pre, normal or post)`);
    }
    return { stage, fn, plugin, label, seq: ++this.#seq, rank: RANK[order] };
  }

  /** The taps of a stage for a request: groups replaced by their applying taps. */
  tapsFor<S extends Stage>(stage: S, request: PipelineRequest): readonly Tap<S>[] {
    const taps = this.#taps[stage] as Tap<S>[];
    if (this.#grouped[stage] === 0) return taps;
    const out: Tap<S>[] = [];
    for (const tap of taps) {
      if (tap.members) out.push(...tap.members(request));
      else out.push(tap);
    }
    return out;
  }

  /** Whether some `completed`/`errorOccurred` tap wants to hear of each response body's end. */
  get watchesBodies(): boolean {
    return this.#bodyWatchers > 0;
  }

  /** How many taps (a group counting one) a stage has. */
  tapCount(stage: Stage): number {
    return this.#taps[stage].length;
  }
}
