/**
 * A small Node-style event emitter (listeners get the event's arguments, no event object), the
 * base of `ClientRequest` and `IncomingMessage` as in Electron, where they are Node streams.
 *
 * @module
 */

/** A listener of a {@link NodeEmitter}: the event's arguments, no event object. */
// deno-lint-ignore no-explicit-any
export type NodeListener = (...args: any[]) => unknown;

/**
 * Node's `EventEmitter` essentials. A throwing listener does not stop the others; what it threw
 * goes to `onListenerError`.
 *
 * @example
 * ```ts
 * const emitter = new NodeEmitter();
 * emitter.on("data", (chunk: Uint8Array) => console.log(chunk.length));
 * emitter.emit("data", new Uint8Array(3)); // true
 * ```
 */
export class NodeEmitter {
  #listeners = new Map<string, NodeListener[]>();

  /** Adds a listener. */
  on(eventName: string, listener: NodeListener): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The listener for "${eventName}" must be a function`);
    }
    const list = this.#listeners.get(eventName);
    this.#listeners.set(eventName, list ? [...list, listener] : [listener]);
    this.listenerAdded(eventName);
    return this;
  }

  /** Same as {@link NodeEmitter.on}. */
  addListener(eventName: string, listener: NodeListener): this {
    return this.on(eventName, listener);
  }

  /** Adds a listener removed after its first call. */
  once(eventName: string, listener: NodeListener): this {
    const wrapper: NodeListener & { original?: NodeListener } = (...args) => {
      this.off(eventName, wrapper);
      return listener(...args);
    };
    wrapper.original = listener;
    return this.on(eventName, wrapper);
  }

  /** Removes a listener. */
  off(eventName: string, listener: NodeListener): this {
    const list = this.#listeners.get(eventName);
    if (!list) return this;
    const index = list.findIndex((l) =>
      l === listener || (l as { original?: NodeListener }).original === listener
    );
    if (index < 0) return this;
    const copy = list.slice();
    copy.splice(index, 1);
    if (copy.length) this.#listeners.set(eventName, copy);
    else this.#listeners.delete(eventName);
    return this;
  }

  /** Same as {@link NodeEmitter.off}. */
  removeListener(eventName: string, listener: NodeListener): this {
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

  /** Calls every listener of `eventName`; returns whether there was one. */
  emit(eventName: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(eventName);
    if (!list) return false;
    for (const listener of list) {
      try {
        const result = listener.apply(this, args);
        if (result instanceof Promise) {
          result.catch((error) => this.listenerFailed(error, eventName));
        }
      } catch (error) {
        this.listenerFailed(error, eventName);
      }
    }
    return true;
  }

  /** Told when a listener is added (subclasses start flowing on `data`). */
  protected listenerAdded(_eventName: string): void {}

  /** Told what a listener threw (default: `console.error`). */
  protected listenerFailed(error: unknown, eventName: string): void {
    console.error(`A listener of "${eventName}" threw:`, error);
  }
}
