/**
 * Electron-style events: listeners receive `(event, ...args)` where `event.preventDefault()` lets
 * them veto a default action. A throwing listener does not stop the others; it is reported.
 *
 * @module
 */

/** The first argument of every listener, as in Electron. */
export interface ElectronEvent {
  /** Asks the emitter not to do its default action. */
  preventDefault(): void;
  /** Whether some listener called `preventDefault()`. */
  readonly defaultPrevented: boolean;
}

/** A listener: the event object, then the event's arguments. */
// deno-lint-ignore no-explicit-any
export type Listener = (event: ElectronEvent, ...args: any[]) => unknown;

class EventObject implements ElectronEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/**
 * An emitter with Electron's listener shape.
 *
 * @example
 * ```ts
 * const emitter = new Emitter();
 * emitter.on("will-download", (event) => event.preventDefault());
 * const event = emitter.emit("will-download");
 * event.defaultPrevented; // true
 * ```
 */
export class Emitter {
  #listeners = new Map<string, Listener[]>();
  #onListenerError: (error: unknown, eventName: string) => void;

  /** `onListenerError` receives what a listener threw (default: `console.error`). */
  constructor(onListenerError?: (error: unknown, eventName: string) => void) {
    this.#onListenerError = onListenerError ??
      ((error, name) => console.error(`A listener of "${name}" threw:`, error));
  }

  /** Adds a listener. */
  on(eventName: string, listener: Listener): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The listener for "${eventName}" must be a function`);
    }
    const list = this.#listeners.get(eventName);
    if (list) list.push(listener);
    else this.#listeners.set(eventName, [listener]);
    return this;
  }

  /** Same as {@link Emitter.on}. */
  addListener(eventName: string, listener: Listener): this {
    return this.on(eventName, listener);
  }

  /** Adds a listener that is removed after its first call. */
  once(eventName: string, listener: Listener): this {
    const wrapper: Listener & { original?: Listener } = (event, ...args) => {
      this.off(eventName, wrapper);
      return listener(event, ...args);
    };
    wrapper.original = listener;
    return this.on(eventName, wrapper);
  }

  /** Removes a listener (added with `on` or `once`). */
  off(eventName: string, listener: Listener): this {
    const list = this.#listeners.get(eventName);
    if (!list) return this;
    const index = list.findIndex((l) =>
      l === listener || (l as { original?: Listener }).original === listener
    );
    if (index >= 0) {
      const copy = list.slice();
      copy.splice(index, 1);
      if (copy.length) this.#listeners.set(eventName, copy);
      else this.#listeners.delete(eventName);
    }
    return this;
  }

  /** Same as {@link Emitter.off}. */
  removeListener(eventName: string, listener: Listener): this {
    return this.off(eventName, listener);
  }

  /** Removes every listener of one event, or of all events. */
  removeAllListeners(eventName?: string): this {
    if (eventName === undefined) this.#listeners.clear();
    else this.#listeners.delete(eventName);
    return this;
  }

  /** How many listeners an event has. */
  listenerCount(eventName: string): number {
    return this.#listeners.get(eventName)?.length ?? 0;
  }

  /**
   * Calls every listener with a fresh event object and `args`; returns the event object so that
   * the caller can read `defaultPrevented`.
   */
  emit(eventName: string, ...args: unknown[]): ElectronEvent {
    const event = new EventObject();
    const list = this.#listeners.get(eventName);
    if (!list) return event;
    for (const listener of list) {
      try {
        const result = listener(event, ...args);
        if (result instanceof Promise) {
          result.catch((error) => this.#onListenerError(error, eventName));
        }
      } catch (error) {
        this.#onListenerError(error, eventName);
      }
    }
    return event;
  }
}
