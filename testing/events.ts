/**
 * Waiting for an event in a test, with a deadline that fails the test with the event's name
 * instead of hanging it.
 *
 * @module
 */

/** A listener of any arguments. */
// deno-lint-ignore no-explicit-any
export type AnyListener = (...args: any[]) => void;

/** Anything with Node/Electron-style `on`/`off` (a Session, `ses.cookies`, a ClientRequest). */
export interface EventSource {
  /** Adds a listener. */
  on(name: string, listener: AnyListener): unknown;
  /** Removes a listener. */
  off?(name: string, listener: AnyListener): unknown;
  /** Removes a listener (Node's older name). */
  removeListener?(name: string, listener: AnyListener): unknown;
}

/**
 * Resolves with the arguments of the next `name` event of `source` whose arguments pass `where`;
 * rejects after `timeoutMs` (default 5000) naming the event.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("testing-events-example");
 * const changed = nextEvent(ses.cookies, "changed");
 * await ses.cookies.set({ url: "http://127.0.0.1/", name: "a", value: "1" });
 * const [, cookie, cause] = await changed;
 * cause; // "inserted"
 * ```
 */
export function nextEvent(
  source: EventSource,
  name: string,
  options: { timeoutMs?: number; where?: (...args: unknown[]) => boolean } = {},
): Promise<unknown[]> {
  if (!source || typeof source.on !== "function") {
    throw new TypeError(`nextEvent: the source of "${name}" has no on() method`);
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      if (options.where && !options.where(...args)) return;
      done();
      resolve(args);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`nextEvent: no "${name}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      (source.off ?? source.removeListener)?.call(source, name, listener);
    };
    source.on(name, listener);
  });
}
