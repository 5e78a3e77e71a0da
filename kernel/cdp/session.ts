/**
 * One flat CDP session (a `sessionId` of a connection): typed commands, per-session listeners,
 * detach tracking, and event holding for attach hooks.
 *
 * @module
 */
import { type CdpEventListener, CdpEventListeners } from "./_event_listeners.ts";
import type { CdpTargetInfo } from "./types.ts";
import type {
  CdpCommand,
  CdpEvent,
  CdpListener,
  CdpParams,
  CdpResult,
  SendOptions,
} from "./types.ts";

/** What a session needs from its connection. */
export interface CdpSessionHost {
  /** Sends a command to a session. */
  sendRaw(method: string, params: unknown, options: SendOptions): Promise<unknown>;
  /** Delivers one held event to the listeners. */
  deliver(method: string, params: unknown, session: CdpSession): void;
}

/** A held event. */
interface Held {
  method: string;
  params: unknown;
}

/**
 * A flat session. Get one from `CdpConnection.session(id)`, `connection.root`, or
 * `connection.onSessionAttached`.
 *
 * @example
 * ```ts ignore
 * const session = connection.session(sessionId)!;
 * session.on("Runtime.consoleAPICalled", (event) => console.log(event.type));
 * await session.send("Runtime.enable");
 * ```
 */
export class CdpSession {
  /** The session id; `""` for the browser session. */
  readonly id: string;
  /** The session whose `Target.attachedToTarget` announced this one (null for the root). */
  readonly parent: CdpSession | null;
  /** The sessions attached through this one. */
  readonly children: Set<CdpSession> = new Set();
  /** The target as announced at attach time (null for the root). */
  readonly targetInfo: CdpTargetInfo | null;
  #host: CdpSessionHost;
  #options: SendOptions;
  #listeners = new CdpEventListeners();
  #detachListeners = new Set<(reason: string) => void>();
  #detachedReason: string | null = null;
  #held: Held[] | null = null;

  /** Made by the connection; not meant to be called directly. */
  constructor(
    host: CdpSessionHost,
    id: string,
    parent: CdpSession | null,
    targetInfo: CdpTargetInfo | null,
  ) {
    this.#host = host;
    this.#options = { sessionId: id };
    this.id = id;
    this.parent = parent;
    this.targetInfo = targetInfo;
  }

  /** Whether the session is detached (target gone, detached, or connection closed). */
  get detached(): boolean {
    return this.#detachedReason !== null;
  }

  /** Why the session detached, or null while attached. */
  get detachedReason(): string | null {
    return this.#detachedReason;
  }

  /** Whether events are being held back (see {@linkcode CdpSession.hold}). */
  get held(): boolean {
    return this.#held !== null;
  }

  /**
   * Sends a typed command to this session. Rejects at once when the session is detached.
   *
   * @example
   * ```ts ignore
   * const { result } = await session.send("Runtime.evaluate", { expression: "1 + 1" });
   * ```
   */
  send<M extends CdpCommand>(
    method: M,
    params?: CdpParams<M>,
    options?: Omit<SendOptions, "sessionId">,
  ): Promise<CdpResult<M>> {
    return this.#host.sendRaw(
      method,
      params,
      options ? { ...options, sessionId: this.id } : this.#options,
    ) as Promise<CdpResult<M>>;
  }

  /**
   * Sends a command by any name, with untyped parameters and result.
   *
   * @example
   * ```ts ignore
   * const result = await session.sendRaw("Runtime.evaluate", { expression: "1" });
   * ```
   */
  sendRaw(
    method: string,
    params?: unknown,
    options?: Omit<SendOptions, "sessionId">,
  ): Promise<unknown> {
    return this.#host.sendRaw(
      method,
      params,
      options ? { ...options, sessionId: this.id } : this.#options,
    );
  }

  /**
   * Listens to one event of this session only; returns a function that removes the listener.
   *
   * @example
   * ```ts ignore
   * const off = session.on("Runtime.consoleAPICalled", (event) => console.log(event.args));
   * off();
   * ```
   */
  on<E extends CdpEvent | (string & Record<never, never>)>(
    event: E,
    listener: CdpListener<E>,
  ): () => void {
    return this.#listeners.add(event, listener as CdpEventListener);
  }

  /**
   * Calls `listener` once when the session detaches (at once if it already has); returns a
   * function that removes it.
   *
   * @example
   * ```ts ignore
   * session.onDetached((reason) => console.log("gone:", reason));
   * ```
   */
  onDetached(listener: (reason: string) => void): () => void {
    if (this.#detachedReason !== null) {
      listener(this.#detachedReason);
      return () => {};
    }
    this.#detachListeners.add(listener);
    return () => {
      this.#detachListeners.delete(listener);
    };
  }

  /**
   * Holds back this session's events (replies still arrive) until {@linkcode CdpSession.release}.
   * Call it synchronously from `onSessionAttached` so that no event is delivered before the
   * attach hooks settle.
   *
   * @example
   * ```ts ignore
   * connection.onSessionAttached((session) => {
   *   session.hold();
   *   session.send("Runtime.enable").finally(() => session.release());
   * });
   * ```
   */
  hold(): void {
    this.#held ??= [];
  }

  /**
   * Delivers the held events in order and stops holding.
   *
   * @example
   * ```ts ignore
   * session.release();
   * ```
   */
  release(): void {
    const held = this.#held;
    if (!held) return;
    // Deliver in order; events that arrive during delivery queue behind.
    for (let i = 0; i < held.length; i++) {
      this.#host.deliver(held[i].method, held[i].params, this);
    }
    this.#held = null;
  }

  /** Queues an event while held; returns false when not held. @internal */
  _queue(method: string, params: unknown): boolean {
    if (this.#held === null) return false;
    this.#held.push({ method, params });
    return true;
  }

  /** Calls the per-session listeners of one event. @internal */
  _emit(method: string, params: unknown, report: (error: unknown) => void): void {
    this.#listeners.emit(method, params, this.id, report);
  }

  /** Marks the session detached and tells its listeners. @internal */
  _detach(reason: string, report: (error: unknown) => void): void {
    if (this.#detachedReason !== null) return;
    this.release();
    this.#detachedReason = reason;
    this.parent?.children.delete(this);
    for (const fn of this.#detachListeners) {
      try {
        fn(reason);
      } catch (error) {
        report(error);
      }
    }
    this.#detachListeners.clear();
  }
}
