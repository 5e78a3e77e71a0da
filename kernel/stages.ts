/**
 * The pipeline's stages, in lifecycle order, with the kind of runner each one has. This table is
 * the one place that lists them: the tap registry, the manifest's `hooks` and the runners all
 * derive from it.
 *
 * @module
 */
import type { StageHandlers } from "./pipeline_types.ts";

/**
 * How the taps of a stage run. `observe`: each tap is called and nobody waits for it;
 * `blocking`: every tap is called, the request waits for all, their answers merge; `first`: the
 * taps are asked one after another until one answers; `transform`: each tap may answer a
 * `TransformStream` for the body, and the body streams through all of them (`_body_taps.ts`).
 */
export type StageKind = "observe" | "blocking" | "first" | "transform";

/**
 * Every stage and its kind, in lifecycle order.
 *
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

/**
 * The stage names in lifecycle order.
 *
 * @example
 * ```ts
 * STAGES[0]; // "beforeRequest"
 * ```
 */
export const STAGES: readonly Stage[] = Object.freeze(Object.keys(STAGE_KINDS) as Stage[]);

/**
 * Whether a string names a stage.
 *
 * @example
 * ```ts
 * isStage("completed"); // true
 * isStage("toString"); // false
 * ```
 */
export function isStage(name: string): name is Stage {
  return Object.hasOwn(STAGE_KINDS, name);
}
