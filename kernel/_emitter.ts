/**
 * A small Node-style event emitter for the kernel's classes (no `node:events`, so it runs in the
 * browser too). Listeners run in registration order; `once` listeners are removed before they run.
 *
 * @module
 */

/**
 * A listener of {@linkcode EventEmitter}.
 *
 * @example
 * ```ts
 * const listener: EmitterListener = (...args) => console.log(args);
 * ```
 */
// deno-lint-ignore no-explicit-any
export type EmitterListener = (...args: any[]) => void;

/**
 * A listener as the emitter keeps it.
 *
 * @example
 * ```ts
 * const entry: Entry = { fn: () => {}, once: false };
 * ```
 */
export interface Entry {
  /** The listener. */
  fn: EmitterListener;
  /** Whether it is removed before its first call. */
  once: boolean;
}

const NONE: readonly Entry[] = Object.freeze([]);

/**
 * The `on`/`once`/`off`/`emit` surface Electron's main-process objects have.
 *
 * @example
 * ```ts
 * const e = new EventEmitter();
 * e.on("ping", (n: number) => console.log(n));
 * e.emit("ping", 1);
 * ```
 */
export class EventEmitter {
  #events = new Map<string | symbol, Entry[]>();

  /** Adds a listener for `name`. */
  on(name: string | symbol, fn: EmitterListener): this {
    return this.#add(name, fn, false);
  }

  /** Same as {@linkcode EventEmitter.on}. */
  addListener(name: string | symbol, fn: EmitterListener): this {
    return this.#add(name, fn, false);
  }

  /** Adds a listener that is removed after its first call. */
  once(name: string | symbol, fn: EmitterListener): this {
    return this.#add(name, fn, true);
  }

  /** Removes the most recently added matching listener. */
  off(name: string | symbol, fn: EmitterListener): this {
    const list = this.#events.get(name);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].fn === fn) {
        const next = list.slice();
        next.splice(i, 1);
        if (next.length === 0) this.#events.delete(name);
        else this.#events.set(name, next);
        this.listenersChanged(name);
        break;
      }
    }
    return this;
  }

  /** Same as {@linkcode EventEmitter.off}. */
  removeListener(name: string | symbol, fn: EmitterListener): this {
    return this.off(name, fn);
  }

  /** Removes every listener for `name`, or every listener at all. */
  removeAllListeners(name?: string | symbol): this {
    if (name === undefined) this.#events.clear();
    else this.#events.delete(name);
    this.listenersChanged(name);
    return this;
  }

  /** How many listeners `name` has. */
  listenerCount(name: string | symbol): number {
    return this.#events.get(name)?.length ?? 0;
  }

  /** Calls the listeners of `name` with `args`; returns whether there were any. */
  // deno-lint-ignore no-explicit-any
  emit(name: string | symbol, ...args: any[]): boolean {
    const list = this.#events.get(name);
    if (!list) return false;
    if (list.length === 1) {
      const entry = list[0];
      if (entry.once) this.off(name, entry.fn);
      entry.fn.apply(this, args);
      return true;
    }
    for (const entry of list) {
      if (entry.once) this.off(name, entry.fn);
      entry.fn.apply(this, args);
    }
    return true;
  }

  /** The listeners of `name` (an array that is replaced, never changed, when listeners change). */
  protected listenersFor(name: string | symbol): readonly Entry[] {
    return this.#events.get(name) ?? NONE;
  }

  /** Called after listeners were added or removed; subclasses may override. */
  protected listenersChanged(_name: string | symbol | undefined): void {}

  #add(name: string | symbol, fn: EmitterListener, once: boolean): this {
    if (typeof fn !== "function") {
      throw new TypeError(`Listener for "${String(name)}" must be a function`);
    }
    const list = this.#events.get(name);
    this.#events.set(name, list ? [...list, { fn, once }] : [{ fn, once }]);
    this.listenersChanged(name);
    return this;
  }
}
