/**
 * Event emitters with Node's interface, which a listener cannot break: what it throws or rejects
 * with goes to `listenerFailed` and the other listeners still run. `Emitter` has Electron's shape
 * (listeners get an event object first, for `preventDefault()`); `NodeEmitter` Node's
 * (`MessagePortMain`, `ClientRequest`, `IncomingMessage`). No `node:events`: pages run it too.
 * @module
 */

/** The first argument of an {@link Emitter}'s listeners, as in Electron. */
export interface ElectronEvent {
  /** Asks the emitter not to do its default action. */
  preventDefault(): void;
  /** Whether some listener called `preventDefault()`. */
  readonly defaultPrevented: boolean;
}

/** A listener of an {@link Emitter}: the event object, then the event's arguments. */
// deno-lint-ignore no-explicit-any
export type Listener = (event: ElectronEvent, ...args: any[]) => unknown;

/** A listener of a {@link NodeEmitter}: the event's arguments. */
// deno-lint-ignore no-explicit-any
export type NodeListener = (...args: any[]) => unknown;

/** A listener as an emitter keeps it. */
export interface ListenerEntry<L = NodeListener> {
  /** The listener. */ fn: L;
  /** Whether it is removed before its first call. */ once: boolean;
}

/**
 * The listeners of both emitters, per event in registration order. A list is replaced, never
 * changed, so an `emit` in progress calls the listeners it started with.
 * @example
 * ```ts
 * const emitter = new NodeEmitter().on("data", () => {});
 * emitter.listenerCount("data"); // 1
 * ```
 */
export class Listeners<L extends NodeListener> {
  #events = new Map<string | symbol, readonly ListenerEntry<L>[]>();

  /** Adds a listener. */
  on(eventName: string | symbol, listener: L): this {
    return this.#add(eventName, listener, false);
  }

  /** Same as `on`. */
  addListener(eventName: string | symbol, listener: L): this {
    return this.#add(eventName, listener, false);
  }

  /** Adds a listener that is removed before its first call. */
  once(eventName: string | symbol, listener: L): this {
    return this.#add(eventName, listener, true);
  }

  /** Removes the most recently added matching listener (added with `on` or `once`). */
  off(eventName: string | symbol, listener: L): this {
    const list = this.listenersFor(eventName);
    const i = list.findLastIndex((entry) => entry.fn === listener);
    if (i < 0) return this;
    const rest = list.toSpliced(i, 1);
    if (rest.length) this.#events.set(eventName, rest);
    else this.#events.delete(eventName);
    this.listenersChanged(eventName);
    return this;
  }

  /** Same as `off`. */
  removeListener(eventName: string | symbol, listener: L): this {
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
    return this.listenersFor(eventName).length;
  }

  /** Calls the listeners of `eventName` with `args`; returns whether there was one. */
  protected call(eventName: string | symbol, args: unknown[]): boolean {
    const list = this.listenersFor(eventName);
    for (const { fn, once } of list) {
      if (once) this.off(eventName, fn);
      try {
        const result = fn.apply(this, args);
        if (result instanceof Promise) {
          result.catch((error) => this.listenerFailed(error, String(eventName)));
        }
      } catch (error) {
        this.listenerFailed(error, String(eventName));
      }
    }
    return list.length > 0;
  }

  /** The listeners of an event (an array that is replaced, never changed). */
  protected listenersFor(eventName: string | symbol): readonly ListenerEntry<L>[] {
    return this.#events.get(eventName) ?? [];
  }

  /** Told after listeners were added or removed (undefined: of all events). */
  protected listenersChanged(_eventName: string | symbol | undefined): void {}

  /** Told when a listener is added (streams start flowing on `data`). */
  protected listenerAdded(_eventName: string | symbol): void {}

  /** Told what a listener threw or rejected with (default: `console.error`). */
  protected listenerFailed(error: unknown, eventName: string): void {
    console.error(`A listener of "${eventName}" threw:`, error);
  }

  #add(eventName: string | symbol, fn: L, once: boolean): this {
    if (typeof fn !== "function") {
      throw new TypeError(`The listener for "${String(eventName)}" must be a function`);
    }
    this.#events.set(eventName, [...this.listenersFor(eventName), { fn, once }]);
    this.listenersChanged(eventName);
    this.listenerAdded(eventName);
    return this;
  }
}

/**
 * Node's `EventEmitter` essentials.
 * @example
 * ```ts
 * const emitter = new NodeEmitter();
 * emitter.on("data", (chunk: Uint8Array) => console.log(chunk.length));
 * emitter.emit("data", new Uint8Array(3)); // true
 * ```
 */
export class NodeEmitter extends Listeners<NodeListener> {
  /** Calls every listener of `eventName` with `args`; returns whether there was one. */
  emit(eventName: string | symbol, ...args: unknown[]): boolean {
    return this.call(eventName, args);
  }
}

/**
 * An emitter with Electron's listener shape.
 * @example
 * ```ts
 * const emitter = new Emitter();
 * emitter.on("will-download", (event) => event.preventDefault());
 * const event = emitter.emit("will-download");
 * event.defaultPrevented; // true
 * ```
 */
export class Emitter extends Listeners<Listener> {
  #onListenerError?: (error: unknown, eventName: string) => void;

  /** `onListenerError` receives what a listener threw (default: `console.error`). */
  constructor(onListenerError?: (error: unknown, eventName: string) => void) {
    super();
    this.#onListenerError = onListenerError;
  }

  /** Calls every listener with a fresh event object and `args`; returns the event object. */
  emit(eventName: string, ...args: unknown[]): ElectronEvent {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        event.defaultPrevented = true;
      },
    };
    this.call(eventName, [event, ...args]);
    return event;
  }

  /** Told what a listener threw or rejected with. */
  protected override listenerFailed(error: unknown, eventName: string): void {
    if (this.#onListenerError) this.#onListenerError(error, eventName);
    else super.listenerFailed(error, eventName);
  }
}
