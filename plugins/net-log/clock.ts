/**
 * The net log's clock: whole milliseconds of a monotonic clock, and the epoch time of its zero
 * (the file's `constants.timeTickOffset`), as Chromium's TimeTicks.
 *
 * @module
 */

/** A clock in whole milliseconds and the epoch time of its zero (`timeTickOffset`). */
export interface NetLogClock {
  /** Now, on the log's clock. */
  now(): number;
  /** Epoch milliseconds at tick 0. */
  readonly offset: number;
}

/**
 * The monotonic clock of `performance.now()`.
 *
 * @example
 * ```ts
 * const clock = performanceClock();
 * clock.now() >= 0; // true
 * ```
 */
export function performanceClock(): NetLogClock {
  return {
    now: () => Math.floor(performance.now()),
    offset: Math.round(Date.now() - performance.now()),
  };
}
