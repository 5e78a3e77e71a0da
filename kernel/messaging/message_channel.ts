/**
 * Electron's `MessageChannelMain` and `MessagePortMain` on top of the Web `MessageChannel`, with a
 * `close` event that fires on the other end in every case: the partner called `close()`, was
 * garbage-collected, or its Worker was terminated, exited or stopped answering. The runtimes do not
 * report these consistently, so the ports signal them themselves (a control message, a
 * `FinalizationRegistry`, a heartbeat, and {@linkcode watchWorker}).
 *
 * @module
 */
import { type ListenerEntry, NodeEmitter } from "../events.ts";
import {
  CLOSE_MESSAGE,
  type CloseReason,
  COLLECTED_MESSAGE,
  CONTROL,
  type ControlMessage,
  isControl,
  partner,
  PING_MESSAGE,
  PONG_MESSAGE,
  probe,
  remoteGone,
  wrapped,
} from "./_port_protocol.ts";

export type { CloseReason } from "./_port_protocol.ts";

/**
 * The event given to `message` listeners.
 *
 * @example
 * ```ts
 * port.on("message", (e: MessagePortMainEvent) => console.log(e.data, e.ports.length));
 * ```
 */
export interface MessagePortMainEvent {
  /** Always `message`. */
  readonly type: "message";
  /** The structured clone of what the sender posted. */
  readonly data: unknown;
  /** The ports transferred with the message, wrapped (a frozen array). */
  readonly ports: readonly MessagePortMain[];
  /** The port that received the message. */
  readonly target: MessagePortMain;
  /** Always false. */
  readonly bubbles: false;
  /** Always false. */
  readonly cancelable: false;
}

/**
 * The event given to `close` listeners.
 *
 * @example
 * ```ts
 * port.on("close", (e: MessagePortMainCloseEvent) => console.log(e.reason));
 * ```
 */
export interface MessagePortMainCloseEvent {
  /** Always `close`. */
  readonly type: "close";
  /** The port whose remote end went away. */
  readonly target: MessagePortMain;
  /** Why the remote end went away. */
  readonly reason: CloseReason;
}

/**
 * What `postMessage` accepts as its transfer list.
 *
 * @example
 * ```ts
 * const transfer: PortTransfer = [other.port2, new ArrayBuffer(8)];
 * ```
 */
export type PortTransfer = ReadonlyArray<MessagePortMain | Transferable>;

const NO_PORTS: readonly MessagePortMain[] = Object.freeze([]);

// three own fields per message; the constant ones live on the prototype
class PortMessageEvent {
  declare readonly type: "message";
  declare readonly bubbles: false;
  declare readonly cancelable: false;
  constructor(
    readonly data: unknown,
    readonly ports: readonly MessagePortMain[],
    readonly target: MessagePortMain,
  ) {}
}
Object.defineProperties(PortMessageEvent.prototype, {
  type: { value: "message" },
  bubbles: { value: false },
  cancelable: { value: false },
});

// A port that was never started has no listener on its Web port, so nothing but the user holds the
// wrapper; when it is collected, the Web port (the held value) tells the remote end.
const collected = new FinalizationRegistry<MessagePort>((port) => {
  try {
    port.postMessage(COLLECTED_MESSAGE);
    port.close();
  } catch { /* already gone */ }
});

const enum State {
  Open,
  Closed,
  Detached,
}

/**
 * The Web `postMessage` of `port`, to be called with the message alone. Deno's
 * `node:worker_threads` (loaded as soon as any module imports it) replaces the global
 * `MessageChannel` with one whose ports carry an own `postMessage` that always hands the Web one a
 * second argument; that takes Deno's slow path (a transfer list converted, the message sent
 * through the general op), about three times the cost of a message without one. The prototype's
 * `postMessage` is the Web one.
 */
function webPost(port: MessagePort): (message: unknown) => void {
  const own = Object.hasOwn(port, "postMessage");
  const proto = own ? Object.getPrototypeOf(port)?.postMessage : undefined;
  return typeof proto === "function" ? proto : port.postMessage;
}

/** `postMessage`'s transfer argument as an array: a list (any iterable) or `{ transfer }`. */
function transferList(transfer: unknown): PortTransfer | undefined {
  const list = isIterable(transfer) || transfer == null
    ? transfer
    : typeof transfer === "object"
    ? (transfer as { transfer?: unknown }).transfer
    : null;
  if (list === undefined || (list === null && transfer == null)) return undefined;
  if (!isIterable(list)) {
    throw new TypeError(
      "postMessage: the transfer list must be an array of ports and transferables, or " +
        `{ transfer: [...] }; got ${
          typeof list === "string" ? JSON.stringify(list) : String(list)
        }`,
    );
  }
  return Array.isArray(list) ? list : [...list];
}

function isIterable(value: unknown): value is Iterable<MessagePortMain | Transferable> {
  return typeof value === "object" && value !== null && Symbol.iterator in value;
}

function dataCloneError(message: string): DOMException {
  return new DOMException(message, "DataCloneError");
}

/**
 * One end of a {@linkcode MessageChannelMain}: Electron's `MessagePortMain`. Messages queue until
 * `start()`; `message` listeners get `{ data, ports }`; `close` fires when the remote end goes away.
 * A Web `MessagePort` (e.g. one received in a Worker) is wrapped with `new MessagePortMain(port)`.
 *
 * @example
 * ```ts
 * const { port1, port2 } = new MessageChannelMain();
 * port2.on("message", (e) => console.log(e.data));
 * port2.on("close", () => console.log("port1 closed"));
 * port2.start();
 * port1.postMessage({ hello: "world" });
 * port1.close();
 * ```
 */
export class MessagePortMain extends NodeEmitter {
  /** Heartbeat interval in ms for started ports (0 disables the heartbeat). */
  static heartbeatInterval: number = 2000;
  /** A started port whose remote end answered once and then is silent this long is closed. */
  static heartbeatTimeout: number = 10000;

  #port: MessagePort;
  /** The Web port's `postMessage`, for messages without transfers (see webPost). */
  #post: (message: unknown) => void;
  #state: State = State.Open;
  #started = false;
  #peerSeen = false;
  #peerWrapped = false;
  #received = 0;
  #quiet = { count: -1, since: 0 };
  #timer: ReturnType<typeof setInterval> | undefined;
  #pendingGone: CloseReason | undefined;
  #onmessage: ((e: MessagePortMainEvent) => void) | null = null;
  #onclose: ((e: MessagePortMainCloseEvent) => void) | null = null;
  #messageListeners: readonly ListenerEntry[] = [];
  /** Internal: the port created together with this one, while both are local. */
  [partner]: WeakRef<MessagePortMain> | undefined;

  /** Wraps a Web `MessagePort`; it must not have been started or given listeners. */
  constructor(port: MessagePort) {
    super();
    if (
      typeof port !== "object" || port === null || typeof port.postMessage !== "function" ||
      typeof port.close !== "function"
    ) {
      throw new TypeError("MessagePortMain needs a Web MessagePort");
    }
    this.#port = port;
    this.#post = webPost(port);
    collected.register(this, port, this);
  }

  /** Whether this port was closed, lost its remote end, or was transferred. */
  get closed(): boolean {
    return this.#state !== State.Open;
  }

  /** Setting a handler starts the port, like the Web `onmessage`. */
  get onmessage(): ((e: MessagePortMainEvent) => void) | null {
    return this.#onmessage;
  }
  set onmessage(fn: ((e: MessagePortMainEvent) => void) | null) {
    if (this.#onmessage) this.off("message", this.#onmessage);
    this.#onmessage = typeof fn === "function" ? fn : null;
    if (this.#onmessage) {
      this.on("message", this.#onmessage);
      this.start();
    }
  }

  /** A `close` handler (same as `on('close')`). */
  get onclose(): ((e: MessagePortMainCloseEvent) => void) | null {
    return this.#onclose;
  }
  set onclose(fn: ((e: MessagePortMainCloseEvent) => void) | null) {
    if (this.#onclose) this.off("close", this.#onclose);
    this.#onclose = typeof fn === "function" ? fn : null;
    if (this.#onclose) this.on("close", this.#onclose);
  }

  /**
   * Sends `message` (a structured clone) to the remote end. `transfer` may hold
   * `MessagePortMain`s (they arrive in `event.ports`) and other transferables, as an array or as
   * `{ transfer }`. A closed port drops the message and, as Electron's, checks and transfers
   * nothing (the listed ports stay usable); clone errors throw a `DataCloneError`, an entry that
   * is no port nor transferable a TypeError, each naming the entry's index.
   */
  postMessage(message: unknown, transfer?: PortTransfer | { transfer?: PortTransfer }): void {
    if (this.#state !== State.Open) return;
    const list = transfer === undefined ? undefined : transferList(transfer);
    if (list === undefined || list.length === 0) {
      const payload = isControl(message) ? { [CONTROL]: "data", d: message } : message;
      this.#post.call(this.#port, payload);
      return;
    }
    // a message with transfers is always wrapped: only then does the receiver read event.ports
    // (reading it costs an allocation per message in some runtimes)
    const payload: ControlMessage = { [CONTROL]: "data", d: message };
    const native: Transferable[] = [];
    const moved: MessagePortMain[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (item instanceof MessagePortMain) {
        const refused = item === this
          ? "is the port the message is sent on"
          : item.#state === State.Detached
          ? "was transferred already"
          : item.#state !== State.Open
          ? "is closed"
          : moved.includes(item)
          ? "is a duplicate"
          : null;
        if (refused !== null) throw dataCloneError(`Port at index ${i} ${refused}`);
        moved.push(item);
        native.push(item.#port);
      } else if (typeof item === "object" && item !== null) {
        native.push(item);
      } else {
        throw new TypeError(`Port at index ${i} is not a valid port or transferable`);
      }
    }
    this.#port.postMessage(payload, native);
    for (const port of moved) port.#detach();
  }

  /** Starts delivering messages, the queued ones first. */
  start(): void {
    if (this.#started || this.#state !== State.Open) return;
    this.#started = true;
    this.#port.onmessage = this.#receive;
    this.#post.call(this.#port, PING_MESSAGE);
    const every = MessagePortMain.heartbeatInterval;
    if (every > 0) {
      this.#timer = setInterval(this.#beat, every);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    if (this.#pendingGone) {
      const reason = this.#pendingGone;
      setTimeout(() => this.#gone(reason), 0);
    }
  }

  /**
   * Closes this port; the remote end gets `close` after the messages already sent. This port gets
   * none, as Electron's docs and the HTML spec say (Electron's `close()` emits one on it too).
   */
  close(): void {
    if (this.#state !== State.Open) return;
    this.#state = State.Closed;
    this.#stop();
    try {
      this.#post.call(this.#port, CLOSE_MESSAGE);
    } catch { /* the remote end is gone already */ }
    this.#port.close();
  }

  /**
   * Gives up the wrapper and returns the Web `MessagePort` inside, for handing it to something
   * that takes Web ports (e.g. `worker.postMessage(data, [port])`). The wrapper is then unusable.
   */
  unwrap(): MessagePort {
    if (this.#state !== State.Open) throw dataCloneError("Cannot unwrap a closed port");
    this.#detach();
    return this.#port;
  }

  /** Internal: the remote end is a MessagePortMain too (it marks messages that carry ports). */
  [wrapped](): void {
    this.#peerWrapped = true;
  }

  /** Internal: the remote end is gone (worker watch, probe); deliver what is in flight first. */
  [remoteGone](reason: CloseReason): void {
    if (this.#state !== State.Open) return;
    if (!this.#started) {
      this.#pendingGone ??= reason;
      return;
    }
    setTimeout(() => this.#gone(reason), 0);
  }

  /** Internal: expect a pong within `ms`; if the remote end has answered before and now does not, close. */
  [probe](ms: number, reason: CloseReason): void {
    if (this.#state !== State.Open || !this.#started || !this.#peerSeen) return;
    const before = this.#received;
    this.#post.call(this.#port, PING_MESSAGE);
    setTimeout(() => {
      if (this.#state === State.Open && this.#received === before) this.#gone(reason);
    }, ms);
  }

  #receive = (e: MessageEvent): void => {
    if (this.#state !== State.Open) return;
    let data = e.data;
    this.#received++;
    // a partner that never sent a control message may be a plain Web port: read its ports
    let native: readonly MessagePort[] | null = this.#peerWrapped ? null : e.ports;
    if (isControl(data)) {
      const kind = (data as ControlMessage)[CONTROL];
      this.#peerSeen = true;
      this.#peerWrapped = true;
      if (kind === "ping") {
        this.#post.call(this.#port, PONG_MESSAGE);
        return;
      }
      if (kind === "pong") return;
      if (kind === "close" || kind === "collected") {
        this.#gone(kind === "close" ? "closed" : "garbage-collected");
        return;
      }
      data = (data as ControlMessage).d;
      native = e.ports;
    }
    const ports = native === null || native.length === 0
      ? NO_PORTS
      : Object.freeze(native.map((p) => new MessagePortMain(p)));
    const event: MessagePortMainEvent = new PortMessageEvent(data, ports, this);
    const listeners = this.#messageListeners;
    if (listeners.length === 1 && !listeners[0].once) listeners[0].fn.call(this, event);
    else if (listeners.length > 0) this.emit("message", event);
  };

  /** Keeps the `message` listeners at hand for the hot path. */
  protected override listenersChanged(name: string | symbol | undefined): void {
    if (name === "message" || name === undefined) {
      this.#messageListeners = this.listenersFor("message");
    }
  }

  // no clock per message: the beat notes when the count of received messages last changed
  #beat = (): void => {
    if (this.#state !== State.Open || !this.#peerSeen) return;
    const now = Date.now();
    if (this.#received !== this.#quiet.count) this.#quiet = { count: this.#received, since: now };
    else if (now - this.#quiet.since > MessagePortMain.heartbeatTimeout) {
      this.#gone("unresponsive");
      return;
    }
    this.#post.call(this.#port, PING_MESSAGE);
  };

  #gone(reason: CloseReason): void {
    if (this.#state !== State.Open) return;
    this.#state = State.Closed;
    this.#stop();
    this.#port.close();
    const event: MessagePortMainCloseEvent = { type: "close", target: this, reason };
    this.emit("close", event);
  }

  #detach(): void {
    this.#state = State.Detached;
    this.#stop();
    this.#port.onmessage = null;
  }

  #stop(): void {
    collected.unregister(this);
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Electron's `MessageChannelMain`: two entangled {@linkcode MessagePortMain}s.
 *
 * @example
 * ```ts
 * const { port1, port2 } = new MessageChannelMain();
 * port1.on("message", (e) => console.log(e.data)); // "hi"
 * port1.start();
 * port2.postMessage("hi");
 * ```
 */
export class MessageChannelMain {
  /** The first port. */
  readonly port1: MessagePortMain;
  /** The second port. */
  readonly port2: MessagePortMain;

  constructor() {
    const channel = new MessageChannel();
    this.port1 = new MessagePortMain(channel.port1);
    this.port2 = new MessagePortMain(channel.port2);
    this.port1[partner] = new WeakRef(this.port2);
    this.port2[partner] = new WeakRef(this.port1);
    this.port1[wrapped]();
    this.port2[wrapped]();
  }
}
