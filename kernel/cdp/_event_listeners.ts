/**
 * The CDP event listeners of a connection or of one session, by method name.
 *
 * @module
 */

/** A listener as the registry keeps it. */
export type CdpEventListener = (params: unknown, sessionId: string) => void;

/**
 * Listeners by event method; a throwing listener does not stop the others.
 *
 * @example
 * ```ts
 * const listeners = new CdpEventListeners();
 * const off = listeners.add("Page.loadEventFired", () => {});
 * listeners.emit("Page.loadEventFired", {}, "", console.error);
 * off();
 * ```
 */
export class CdpEventListeners {
  #byMethod = new Map<string, Set<CdpEventListener>>();

  /** Adds a listener; returns the function that removes it. */
  add(method: string, listener: CdpEventListener): () => void {
    let set = this.#byMethod.get(method);
    if (!set) this.#byMethod.set(method, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Calls the listeners of `method`; what one throws goes to `report`. */
  emit(method: string, params: unknown, sessionId: string, report: (error: unknown) => void): void {
    const set = this.#byMethod.get(method);
    if (!set) return;
    for (const fn of set) {
      try {
        fn(params, sessionId);
      } catch (error) {
        report(error);
      }
    }
  }
}
