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
