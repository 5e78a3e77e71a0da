/**
 * Loading a part on first use (issue #24): what a session does not use at start (an npm package, a
 * Node adapter, a plugin's heavy internals) is imported by the first call that needs it, through
 * `import()` of a literal path, never at import time nor in a plugin's setup.
 *
 * @module
 */

/** A lazily loaded part that could not be loaded; `cause` is what the import threw. */
export class LazyLoadError extends Error {
  override name = "LazyLoadError";
  /** What could not be loaded, e.g. `the public suffix list (tldts)`. */
  readonly part: string;
  /**
   * @example
   * ```ts
   * new LazyLoadError("tldts", new Error("offline")).message; // "Loading tldts failed: offline"
   * ```
   */
  constructor(part: string, cause: unknown) {
    super(`Loading ${part} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.part = part;
  }
}

/**
 * A function that loads `part` once (through `load`, typically `() => import("./x.ts")`) and
 * answers the same promise afterwards; a failed load rejects with a {@linkcode LazyLoadError} and
 * is tried again by the next call.
 *
 * @example
 * ```ts
 * const answer = onFirstUse("the answer", async () => 42);
 * await answer(); // 42, loaded once
 * ```
 */
export function onFirstUse<T>(part: string, load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw new LazyLoadError(part, error);
    });
}

/** The names of `T`'s methods that return a promise. */
export type AsyncMethodNames<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * A small facade, made at once, over an object that loads on first use: each of `names` is an
 * async method that awaits `load()` (typically an {@linkcode onFirstUse}) and calls the loaded
 * object's method of that name. A plugin provides it as its member, so the member is usable right
 * after `fromPartition` while its implementation is a chunk fetched with the first call.
 *
 * @example
 * ```ts
 * class Ports {
 *   async list(): Promise<string[]> {
 *     return ["ttyS0"];
 *   }
 * }
 * const load = onFirstUse("the ports", async () => new Ports());
 * const ports = lazyMethods(load, ["list"]);
 * await ports.list(); // ["ttyS0"]
 * ```
 */
export function lazyMethods<T extends object, K extends AsyncMethodNames<T>>(
  load: () => Promise<T>,
  names: readonly K[],
): Pick<T, K> {
  const facade: Record<PropertyKey, unknown> = {};
  for (const name of names) {
    facade[name] = async (...args: unknown[]) => {
      const target = await load();
      return (target[name] as (...args: unknown[]) => Promise<unknown>).apply(target, args);
    };
  }
  return facade as Pick<T, K>;
}
