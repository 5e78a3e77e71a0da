/**
 * The request pipeline: every request walks Chrome's webRequest lifecycle (`STAGE_KINDS`, the one
 * table of stages) and plugins tap its stages; exactly one of `completed` and `errorOccurred`
 * ends every request. Running the stages and walking a request are the HTTP layer's (`kernel/http`).
 * @module
 */
import type {
  Decision,
  PipelineHost,
  PipelineInput,
  PipelineRequest,
  StageHandlers,
  Tap,
  TapGroup,
  TapOptions,
} from "./request.ts";

/**
 * How the taps of a stage run: `observe` calls each and waits for none; `blocking` waits for all
 * and merges their answers; `first` asks one after another until one answers; `transform`: each
 * may answer a `TransformStream` the body then streams through (`kernel/http/body_taps.ts`).
 */
export type StageKind = "observe" | "blocking" | "first" | "transform";

/**
 * Every stage and its kind, in lifecycle order.
 * @example
 * ```ts
 * STAGE_KINDS.headersReceived; // "blocking"
 * ```
 */
export const STAGE_KINDS = {
  beforeRequest: "blocking",
  beforeSendHeaders: "blocking",
  sendHeaders: "observe",
  requestBody: "transform",
  transport: "first",
  headersReceived: "blocking",
  authRequired: "first",
  beforeRedirect: "observe",
  responseBody: "transform",
  responseStarted: "observe",
  completed: "observe",
  errorOccurred: "observe",
} as const satisfies { [S in keyof StageHandlers]: StageKind };

/** A pipeline stage name. */
export type Stage = keyof typeof STAGE_KINDS;

/** The stages of one kind. */
export type StageOfKind<K extends StageKind> = {
  [S in Stage]: typeof STAGE_KINDS[S] extends K ? S : never;
}[Stage];

/** The stage names in lifecycle order. */
export const STAGES: readonly Stage[] = Object.freeze(Object.keys(STAGE_KINDS) as Stage[]);

const RANK = { pre: 0, normal: 1, post: 2, settled: 3 } as const;

/**
 * The rank of `settled` taps (`TapOrder`): last in their stage's list, skipped by the stage's
 * merge and run once its answers are applied (`Runner.settled`).
 * @example
 * ```ts
 * SETTLED_RANK; // 3
 * ```
 */
export const SETTLED_RANK: number = RANK.settled;

/**
 * The pipeline of one session: its taps, stage by stage, sorted pre -> normal -> post -> settled then by
 * install order, and tap groups (many taps of one plugin chosen per request in one call).
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("example", { plugins: [] });
 * const remove = ses.pipeline.tap("beforeSendHeaders", (req) => {
 *   const headers = new Headers(req.headers);
 *   headers.set("x-hello", "1");
 *   return { requestHeaders: headers };
 * }, { plugin: "example" });
 * remove();
 * ```
 */
export class Pipeline {
  #taps = Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as { [S in Stage]: Tap<S>[] };
  #grouped = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  #settled = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  #seq = 0;
  #listeners: readonly ((decision: Decision) => void)[] = [];
  #bodyWatchers = 0;
  #tapAdded: readonly ((stage: Stage) => void)[] = [];

  /** Made by the session; `host` is what the HTTP layer's walk needs from it. */
  constructor(readonly host: PipelineHost) {}

  /** Installs a tap; returns the function that removes it. */
  tap<S extends Stage>(
    stage: S,
    fn: StageHandlers[S],
    options: TapOptions & { plugin: string },
  ): () => void {
    return this.#install(stage, fn, options);
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
    return { add: (fn, label) => this.#made(stage, fn, options.plugin, label, options), remove };
  }

  #install<S extends Stage>(
    stage: S,
    fn: StageHandlers[S],
    options: TapOptions & { plugin: string },
    members?: Tap<S>["members"],
  ): () => void {
    if (!Object.hasOwn(STAGE_KINDS, stage)) {
      throw new TypeError(`Unknown pipeline stage "${stage}"`);
    }
    if (typeof fn !== "function") {
      throw new TypeError(`The tap for "${stage}" of ${options.plugin} must be a function`);
    }
    const made = this.#made(stage, fn, options.plugin, options.label ?? options.plugin, options);
    const tap: Tap<S> = { ...made, filter: options.filter, members };
    const taps = this.#taps as Record<Stage, Tap<S>[]>;
    taps[stage] = [...taps[stage], tap].sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    if (members) this.#grouped[stage]++;
    const settled = tap.rank === SETTLED_RANK;
    if (settled) this.#settled[stage]++;
    for (const listener of this.#tapAdded) listener(stage);
    const watches = (stage === "completed" || stage === "errorOccurred") &&
      options.watchBody !== false;
    if (watches) this.#bodyWatchers++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      taps[stage] = taps[stage].filter((t) => t !== tap);
      if (members) this.#grouped[stage]--;
      if (settled) this.#settled[stage]--;
      if (watches) this.#bodyWatchers--;
    };
  }

  #made<S extends Stage>(
    stage: S,
    fn: StageHandlers[S],
    plugin: string,
    label: string,
    { order = "normal" }: TapOptions,
  ): Tap<S> {
    if (!Object.hasOwn(RANK, order)) {
      throw new TypeError(`Unknown tap order "${order}" (use pre, normal, post or settled)`);
    }
    if (order === "settled" && STAGE_KINDS[stage] !== "blocking") {
      throw new TypeError(
        `The tap order "settled" of ${plugin} is for blocking stages; "${stage}" is ${
          STAGE_KINDS[stage]
        }`,
      );
    }
    return { stage, fn, plugin, label, seq: ++this.#seq, rank: RANK[order] };
  }

  /** The taps of a stage for a request: groups replaced by their applying taps. */
  tapsFor<S extends Stage>(stage: S, request: PipelineRequest): readonly Tap<S>[] {
    return this.#applying(stage, this.#taps[stage] as Tap<S>[], request);
  }

  /** The `settled` taps of a stage for a request (the tail of its list), groups replaced too. */
  settledTapsFor<S extends Stage>(stage: S, request: PipelineRequest): readonly Tap<S>[] {
    const taps = this.#taps[stage] as Tap<S>[];
    return this.#applying(stage, taps.slice(taps.length - this.#settled[stage]), request);
  }

  #applying<S extends Stage>(stage: S, taps: Tap<S>[], request: PipelineRequest): Tap<S>[] {
    if (this.#grouped[stage] === 0) return taps;
    const out: Tap<S>[] = [];
    for (const tap of taps) tap.members ? out.push(...tap.members(request)) : out.push(tap);
    return out;
  }

  /** How many taps (a group counting one) a stage has. */
  tapCount(stage: Stage): number {
    return this.#taps[stage].length;
  }

  /** How many of a stage's taps (a group counting one) are `settled` (`TapOrder`). */
  settledCount(stage: Stage): number {
    return this.#settled[stage];
  }

  /**
   * Tells `listener` the stage of each tap (or tap group) installed from now on, e.g. for a
   * sender that watches a request's later stages only while someone taps them; returns the
   * unsubscribe function.
   */
  onTapAdded(listener: (stage: Stage) => void): () => void {
    return subscribe(listener, () => this.#tapAdded, (list) => this.#tapAdded = list);
  }

  /**
   * Subscribes to every decision taps make (what each answered, what was applied); returns the
   * unsubscribe function. Costs nothing while nobody listens.
   */
  onDecision(listener: (decision: Decision) => void): () => void {
    return subscribe(listener, () => this.#listeners, (list) => this.#listeners = list);
  }

  /** The `onDecision` listeners (a list replaced, never changed), for the stage runners. */
  get decisionListeners(): readonly ((decision: Decision) => void)[] {
    return this.#listeners;
  }

  /** How many `completed`/`errorOccurred` taps want word of a body's end. */
  get bodyWatchers(): number {
    return this.#bodyWatchers;
  }

  /** Runs one request through the pipeline and resolves to its response (the HTTP layer's walk). */
  run(input: PipelineInput): Promise<Response> {
    return this.host.http.run(this, input);
  }
}

/** Adds `listener` to a list that is replaced, never changed; returns the unsubscribe function. */
function subscribe<L>(listener: L, get: () => readonly L[], set: (list: readonly L[]) => void) {
  set([...get(), listener]);
  return () => set(get().filter((l) => l !== listener));
}
