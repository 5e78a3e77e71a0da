/**
 * A small Node-style event emitter (listeners get the event's arguments, no event object): the
 * base of `MessagePortMain`, `ClientRequest` and `IncomingMessage`, which are Node-style objects
 * in Electron. No `node:events`, so it runs in the browser too. Listeners run in registration
 * order; a `once` listener is removed before it runs; a throwing listener does not stop the
 * others, and what it threw goes to `listenerFailed`.
 *
 * @module
 */

/** A listener of a {@link NodeEmitter}: the event's arguments, no event object. */
// deno-lint-ignore no-explicit-any
export type NodeListener = (...args: any[]) => unknown;

/** A listener as the emitter keeps it. */
export interface ListenerEntry {
  /** The listener. */
  fn: NodeListener;
  /** Whether it is removed before its first call. */
  once: boolean;
}

const NONE: readonly ListenerEntry[] = Object.freeze([]);

/**
 * Node's `EventEmitter` essentials.
 *
 * @example
 * ```ts
 * const emitter = new NodeEmitter();
 * emitter.on("data", (chunk: Uint8Array) => console.log(chunk.length));
 * emitter.emit("data", new Uint8Array(3)); // true
 * ```
 */
export class NodeEmitter {
  #events = new Map<string | symbol, readonly ListenerEntry[]>();

  /** Adds a listener. */
  on(eventName: string | symbol, listener: NodeListener): this {
    return this.#add(eventName, listener, false);
  }

  /** Same as {@link NodeEmitter.on}. */
  addListener(eventName: string | symbol, listener: NodeListener): this {
    return this.#add(eventName, listener, false);
  }

  /** Adds a listener removed before its first call. */
  once(eventName: string | symbol, listener: NodeListener): this {
    return this.#add(eventName, listener, true);
  }

  /** Removes the most recently added matching listener. */
  off(eventName: string | symbol, listener: NodeListener): this {
    const list = this.#events.get(eventName);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].fn !== listener) continue;
      const next = list.slice();
      next.splice(i, 1);
      if (next.length === 0) this.#events.delete(eventName);
      else this.#events.set(eventName, next);
      this.listenersChanged(eventName);
      break;
    }
    return this;
  }

  /** Same as {@link NodeEmitter.off}. */
  removeListener(eventName: string | symbol, listener: NodeListener): this {
    return this.off(eventName, listener);
  }

  /** Removes every listener of one event, or of all events. */
  removeAllListeners(eventName?: string | symbol): this {
    if (eventName === undefined) this.#events.clear();
    else this.#events.delete(eventName);
    this.listenersChanged(eventName);
    return this;
  }

  /** How many listeners an event has. */
  listenerCount(eventName: string | symbol): number {
    return this.#events.get(eventName)?.length ?? 0;
  }

  /** Calls every listener of `eventName` with `args`; returns whether there was one. */
  emit(eventName: string | symbol, ...args: unknown[]): boolean {
    const list = this.#events.get(eventName);
    if (!list) return false;
    for (const entry of list) {
      if (entry.once) this.off(eventName, entry.fn);
      try {
        const result = entry.fn.apply(this, args);
        if (result instanceof Promise) {
          result.catch((error) => this.listenerFailed(error, String(eventName)));
        }
      } catch (error) {
        this.listenerFailed(error, String(eventName));
      }
    }
    return true;
  }

  /** The listeners of an event (an array that is replaced, never changed, when they change). */
  protected listenersFor(eventName: string | symbol): readonly ListenerEntry[] {
    return this.#events.get(eventName) ?? NONE;
  }

  /** Told after listeners were added or removed (undefined: all events). */
  protected listenersChanged(_eventName: string | symbol | undefined): void {}

  /** Told when a listener is added (streams start flowing on `data`). */
  protected listenerAdded(_eventName: string | symbol): void {}

  /** Told what a listener threw (default: `console.error`). */
  protected listenerFailed(error: unknown, eventName: string): void {
    console.error(`A listener of "${eventName}" threw:`, error);
  }

  #add(eventName: string | symbol, listener: NodeListener, once: boolean): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The listener for "${String(eventName)}" must be a function`);
    }
    const list = this.#events.get(eventName);
    const entry = { fn: listener, once };
    this.#events.set(eventName, list ? [...list, entry] : [entry]);
    this.listenersChanged(eventName);
    this.listenerAdded(eventName);
    return this;
  }
}
