/**
 * A Chrome extension event (`chrome.runtime.onMessage`, `Port.onMessage`, ...): listeners added
 * and removed, each added once. Pure: it runs in the background Worker and on the session's side.
 *
 * @module
 */

/** A listener of a Chrome event. */
// deno-lint-ignore no-explicit-any
export type ChromeListener = (...args: any[]) => unknown;

/**
 * A Chrome event: `addListener`, `removeListener`, `hasListener`, `hasListeners`.
 *
 * @example
 * ```ts
 * const onMessage = new ChromeEvent();
 * onMessage.addListener((message: unknown) => console.log(message));
 * onMessage.hasListeners(); // true
 * ```
 */
export class ChromeEvent {
  /** The listeners, in the order they were added. */
  readonly listeners: ChromeListener[] = [];
  /** Told when the event gets its first listener (so the session knows to wake the Worker). */
  onFirstListener: (() => void) | null = null;
  /** Adds a listener (once: adding it again does nothing); a non-function is a TypeError. */
  addListener(fn: ChromeListener): void {
    if (typeof fn !== "function") throw new TypeError("Listener must be a function");
    if (!this.listeners.includes(fn)) this.listeners.push(fn);
    if (this.listeners.length === 1) this.onFirstListener?.();
  }
  /** Removes a listener. */
  removeListener(fn: ChromeListener): void {
    const i = this.listeners.indexOf(fn);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  /** Whether `fn` listens. */
  hasListener(fn: ChromeListener): boolean {
    return this.listeners.includes(fn);
  }
  /** Whether anyone listens. */
  hasListeners(): boolean {
    return this.listeners.length > 0;
  }
}
