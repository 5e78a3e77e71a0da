/**
 * Electron's callbacks handed to JavaScript are one-time: a second call throws a TypeError
 * (gin_helper's translater), and so do websession's permission and picker callbacks.
 *
 * @module
 */

/** The message of Electron's TypeError for a second call of a one-time callback. */
export const ONE_TIME_MESSAGE = "One-time callback was called more than once";

/**
 * Wraps `run` so that only its first call runs; later calls throw Electron's TypeError.
 *
 * @example
 * ```ts
 * const callback = oneTimeCallback((granted: boolean) => console.log(granted));
 * callback(true); // logs true
 * // callback(false) would throw: "One-time callback was called more than once"
 * ```
 */
export function oneTimeCallback<A extends unknown[]>(
  run: (...args: A) => void,
): (...args: A) => void {
  let called = false;
  return (...args: A) => {
    if (called) throw new TypeError(ONE_TIME_MESSAGE);
    called = true;
    run(...args);
  };
}
