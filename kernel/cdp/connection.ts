/**
 * {@linkcode CdpConnection}: the CDP client over any {@linkcode CdpTransport}, routing flattened
 * sessions (`sessionId` on every message).
 *
 * @module
 */
import { type CdpEventListener, CdpEventListeners } from "./_event_listeners.ts";
import type { CdpAttachedToTargetEvent } from "./types.ts";
import type { CdpTransport } from "./transport.ts";
import { CDPClosedError, CDPError, type CdpErrorObject } from "./cdp_error.ts";
import { CdpSession, type CdpSessionHost } from "./session.ts";
import type {
  CdpCommand,
  CdpConnectionOptions,
  CdpEvent,
  CdpListener,
  CdpObserver,
  CdpParams,
  CdpResult,
  SendOptions,
} from "./types.ts";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  method: string;
  sessionId: string;
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const MAX_REMEMBERED_DETACHED = 4096;

export type { CdpConnectionOptions };

/**
 * A CDP client with flat sessions over any transport.
 *
 * @example
 * ```ts ignore
 * import { CdpConnection } from "./connection.ts";
 * import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";
 *
 * const connection = new CdpConnection(await WebSocketTransport.connect(wsUrl));
 * const { product } = await connection.send("Browser.getVersion");
 * connection.on("Target.targetCreated", ({ targetInfo }) => console.log(targetInfo.url));
 * ```
 */
export class CdpConnection {
  #transport: CdpTransport;
  #timeout: number | undefined;
  #onError: (error: Error) => void;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #sessions = new Map<string, CdpSession>();
  #detachedIds = new Set<string>();
  #listeners = new CdpEventListeners();
  #reportError = (error: unknown): void => this.#report(error);
  #observers = new Set<CdpObserver>();
  #attachListeners = new Set<
    (session: CdpSession, event: CdpAttachedToTargetEvent) => void
  >();
  #detachListeners = new Set<(session: CdpSession, reason: string) => void>();
  #closeReason: string | null = null;
  #host: CdpSessionHost;
  /** The browser session (id `""`). */
  readonly root: CdpSession;
  /** Resolves with the reason once the transport closed and every call was rejected. */
  readonly closed: Promise<string>;

  /** Wraps a transport; takes over its `onmessage`. */
  constructor(transport: CdpTransport, options: CdpConnectionOptions = {}) {
    this.#transport = transport;
    this.#timeout = options.timeout;
    this.#onError = options.onError ?? ((error) => console.error(error));
    this.#host = {
      sendRaw: (method, params, opts) => this.sendRaw(method, params, opts),
      deliver: (method, params, session) => this.#deliver(method, params, session),
    };
    this.root = new CdpSession(this.#host, "", null, null);
    transport.onmessage = (text) => this.#receive(text);
    this.closed = transport.closed.then((reason) => {
      this.#shutdown(reason || "Connection closed");
      return this.#closeReason!;
    });
  }

  /** Whether the transport has closed. */
  get isClosed(): boolean {
    return this.#closeReason !== null;
  }

  /** The number of calls waiting for a reply. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Sends a command typed by `devtools-protocol`'s ProtocolMapping.
   *
   * @example
   * ```ts ignore
   * const { result } = await connection.send("Runtime.evaluate", { expression: "1" }, {
   *   sessionId, timeout: 5000,
   * });
   * ```
   */
  send<M extends CdpCommand>(
    method: M,
    params?: CdpParams<M>,
    options?: SendOptions,
  ): Promise<CdpResult<M>> {
    return this.sendRaw(method, params, options) as Promise<CdpResult<M>>;
  }

  /**
   * Sends a command by any name: the untyped form of {@linkcode CdpConnection.send}.
   *
   * @example
   * ```ts ignore
   * const result = await connection.sendRaw("Browser.getVersion");
   * ```
   */
  sendRaw(method: string, params?: unknown, options?: SendOptions): Promise<unknown> {
    const sessionId = options?.sessionId ?? "";
    if (this.#closeReason !== null) {
      return Promise.reject(new CDPClosedError(method, this.#closeReason, sessionId));
    }
    if (sessionId !== "") {
      const session = this.#sessions.get(sessionId);
      if (session === undefined ? this.#detachedIds.has(sessionId) : session.detached) {
        return Promise.reject(new CDPClosedError(method, "Session detached", sessionId));
      }
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.#nextId++;
    const text = sessionId === ""
      ? JSON.stringify({ id, method, params: params ?? {} })
      : JSON.stringify({ id, method, params: params ?? {}, sessionId });
    const timeout = options?.timeout ?? this.#timeout;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, method, sessionId };
      this.#pending.set(id, pending);
      if (timeout !== undefined) {
        pending.timer = setTimeout(() => {
          this.#settle(id)?.reject(
            new DOMException(`${method} timed out after ${timeout} ms`, "TimeoutError"),
          );
        }, timeout);
      }
      if (signal) {
        pending.signal = signal;
        pending.onAbort = () => this.#settle(id)?.reject(signal.reason);
        signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      try {
        this.#transport.send(text);
      } catch (error) {
        this.#settle(id)?.reject(error);
      }
    });
  }

  /**
   * Listens to one event from every session; the listener gets the parameters and the session id
   * (`""` for the browser session). Returns a function that removes the listener.
   *
   * @example
   * ```ts ignore
   * const off = connection.on("Runtime.consoleAPICalled", (event, sessionId) => {
   *   console.log(sessionId, event.type);
   * });
   * ```
   */
  on<E extends CdpEvent | (string & Record<never, never>)>(
    event: E,
    listener: CdpListener<E>,
  ): () => void {
    return this.#listeners.add(event, listener as CdpEventListener);
  }

  /**
   * Sees every event as it arrives, before sessions that are held queue it (for bookkeeping such as
   * a target tree). Returns a function that removes the observer.
   *
   * @example
   * ```ts ignore
   * connection.observe((method, params, sessionId) => console.log(method, sessionId));
   * ```
   */
  observe(observer: CdpObserver): () => void {
    this.#observers.add(observer);
    return () => {
      this.#observers.delete(observer);
    };
  }

  /**
   * Called synchronously for every new session, when its `Target.attachedToTarget` arrives and
   * before any other message; call `session.hold()` here to queue its events.
   *
   * @example
   * ```ts ignore
   * connection.onSessionAttached((session, { targetInfo }) => console.log(targetInfo.type));
   * ```
   */
  onSessionAttached(
    listener: (session: CdpSession, event: CdpAttachedToTargetEvent) => void,
  ): () => void {
    this.#attachListeners.add(listener);
    return () => {
      this.#attachListeners.delete(listener);
    };
  }

  /**
   * Called for every session that detaches (its target went away, or the connection closed), each
   * child before its parent.
   *
   * @example
   * ```ts ignore
   * connection.onSessionDetached((session, reason) => console.log(session.id, reason));
   * ```
   */
  onSessionDetached(listener: (session: CdpSession, reason: string) => void): () => void {
    this.#detachListeners.add(listener);
    return () => {
      this.#detachListeners.delete(listener);
    };
  }

  /**
   * The attached session with this id (`""` = the browser session), or undefined.
   *
   * @example
   * ```ts ignore
   * const session = connection.session(sessionId);
   * ```
   */
  session(sessionId: string): CdpSession | undefined {
    return sessionId === "" ? this.root : this.#sessions.get(sessionId);
  }

  /** Every attached session (not the root). */
  get sessions(): CdpSession[] {
    return [...this.#sessions.values()];
  }

  /**
   * Closes the transport; pending calls reject once it reports closed.
   *
   * @example
   * ```ts ignore
   * connection.close();
   * await connection.closed;
   * ```
   */
  close(): void {
    this.#transport.close();
  }

  #report(error: unknown): void {
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A failing error reporter must not break the connection.
    }
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.onAbort) pending.signal!.removeEventListener("abort", pending.onAbort);
    return pending;
  }

  #receive(text: string): void {
    let message;
    try {
      message = JSON.parse(text);
    } catch (error) {
      this.#report(
        new SyntaxError(`Malformed CDP message: ${excerpt(text)}`, { cause: error }),
      );
      return;
    }
    if (typeof message !== "object" || message === null) {
      this.#report(new TypeError(`Malformed CDP message: ${excerpt(text)}`));
      return;
    }
    if (typeof message.id === "number") {
      const pending = this.#settle(message.id);
      if (pending === undefined) return; // Timed out or aborted earlier.
      const error = message.error as CdpErrorObject | undefined;
      if (error !== undefined) {
        pending.reject(new CDPError(pending.method, error, pending.sessionId));
      } else pending.resolve(message.result ?? {});
      return;
    }
    const method = message.method;
    if (typeof method !== "string") {
      this.#report(new TypeError(`Malformed CDP message: ${excerpt(text)}`));
      return;
    }
    const sessionId = typeof message.sessionId === "string" ? message.sessionId : "";
    const params = message.params ?? {};
    if (method === "Target.attachedToTarget") this.#attached(params, sessionId);
    for (const observer of this.#observers) {
      try {
        observer(method, params, sessionId);
      } catch (error) {
        this.#report(error);
      }
    }
    if (method === "Target.detachedFromTarget" && typeof params.sessionId === "string") {
      const gone = this.#sessions.get(params.sessionId);
      if (gone) this.#detach(gone, "Session detached");
    }
    // Chromium answers what was pending on a crashed target only once it is reloaded, if ever; the
    // session stays attached (Page.reload and the like still work on it)
    if (method === "Inspector.targetCrashed" && sessionId !== "") {
      this.#rejectPending(sessionId, "Target crashed");
    }
    const session = sessionId === "" ? this.root : this.#sessions.get(sessionId);
    if (session === undefined) {
      this.#emit(method, params, sessionId);
      return;
    }
    if (session._queue(method, params)) return;
    this.#deliver(method, params, session);
  }

  #deliver(method: string, params: unknown, session: CdpSession): void {
    this.#emit(method, params, session.id);
    session._emit(method, params, this.#reportError);
  }

  #emit(method: string, params: unknown, sessionId: string): void {
    this.#listeners.emit(method, params, sessionId, this.#reportError);
  }

  #attached(event: CdpAttachedToTargetEvent, parentId: string): void {
    if (typeof event?.sessionId !== "string" || this.#sessions.has(event.sessionId)) return;
    const parent = (parentId === "" ? this.root : this.#sessions.get(parentId)) ?? this.root;
    const session = new CdpSession(this.#host, event.sessionId, parent, event.targetInfo);
    parent.children.add(session);
    this.#sessions.set(event.sessionId, session);
    for (const listener of this.#attachListeners) {
      try {
        listener(session, event);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  #detach(session: CdpSession, reason: string): void {
    for (const child of [...session.children]) this.#detach(child, reason);
    this.#sessions.delete(session.id);
    this.#detachedIds.add(session.id);
    if (this.#detachedIds.size > MAX_REMEMBERED_DETACHED) {
      this.#detachedIds.delete(this.#detachedIds.values().next().value!);
    }
    this.#rejectPending(session.id, reason);
    session._detach(reason, (error) => this.#report(error));
    for (const listener of this.#detachListeners) {
      try {
        listener(session, reason);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /** Rejects the calls pending on one session with a {@linkcode CDPClosedError}. */
  #rejectPending(sessionId: string, reason: string): void {
    for (const [id, pending] of this.#pending) {
      if (pending.sessionId === sessionId) {
        this.#settle(id);
        pending.reject(new CDPClosedError(pending.method, reason, sessionId));
      }
    }
  }

  #shutdown(reason: string): void {
    if (this.#closeReason !== null) return;
    this.#closeReason = reason;
    for (const session of [...this.root.children]) this.#detach(session, reason);
    for (const session of [...this.#sessions.values()]) this.#detach(session, reason);
    for (const id of [...this.#pending.keys()]) {
      const pending = this.#settle(id)!;
      pending.reject(new CDPClosedError(pending.method, reason, pending.sessionId));
    }
  }
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
