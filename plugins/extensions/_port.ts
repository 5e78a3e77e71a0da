/**
 * Chrome's `runtime.Port`, one end of a long-lived connection between an extension's background
 * and the session (`chrome.runtime.connect` / `onConnect` in the Worker, `ses.extensions.connect`
 * and `runtime-connect` on the session's side). Messages cross as JSON, as Chrome's do; a port
 * used after it disconnected throws Chrome's error. Pure: it runs on both sides.
 *
 * @module
 */
import { ChromeEvent } from "./_chrome_event.ts";

/** The message between the two ends of ports (both directions, on the Worker's channel). */
export type PortWire =
  | { t: "port"; op: "open"; port: string; name: string; sender: PortSender }
  | { t: "port"; op: "message"; port: string; json: string }
  | { t: "port"; op: "close"; port: string; error?: string };

/** Chrome's `runtime.MessageSender` as far as websession has one. */
export interface PortSender {
  /** The extension's id (a port the background opened). */
  id?: string;
  /** `chrome-extension://<id>/` (a port the background opened). */
  url?: string;
  /** `"websession"` (a port the session opened). */
  origin?: string;
}

/** What a port sends through: its message, and its closing. */
export interface PortLink {
  /** Hands the other end a message (JSON text). */
  post(json: string): void;
  /** Tells the other end this end disconnected. */
  close(): void;
}

/** Chrome's error for a port used after it disconnected. */
export const DISCONNECTED = "Attempting to use a disconnected port object";
/** Chrome's error when nobody listens on the other side (`runtime.lastError` in `onDisconnect`). */
export const NO_RECEIVER = "Could not establish connection. Receiving end does not exist.";

/**
 * One end of a connection, shaped as Chrome's `runtime.Port`.
 *
 * @example
 * ```ts
 * const port = new ExtensionPort("chat", undefined, { post: console.log, close() {} });
 * port.postMessage({ hello: "there" }); // logs {"hello":"there"}
 * port.disconnect();
 * ```
 */
export class ExtensionPort {
  /** The name given to `connect`. */
  readonly name: string;
  /** Who opened the connection (only on the end `onConnect`/`runtime-connect` handed over). */
  readonly sender?: PortSender;
  /** Messages from the other end: `(message, port)`. */
  readonly onMessage: ChromeEvent = new ChromeEvent();
  /** The other end disconnected (at most once): `(port)`. */
  readonly onDisconnect: ChromeEvent = new ChromeEvent();
  readonly #link: PortLink;
  readonly #report: (error: unknown) => void;
  #connected = true;
  #error: string | undefined;

  /** Made by the port hubs of each side; `report` hears a listener's error. */
  constructor(
    name: string,
    sender: PortSender | undefined,
    link: PortLink,
    report: (error: unknown) => void = () => {},
  ) {
    this.name = name;
    if (sender) this.sender = sender;
    this.#link = link;
    this.#report = report;
  }

  /**
   * Why the other end went away when it was not its `disconnect()`: Chrome's
   * `runtime.lastError.message` inside `onDisconnect` (e.g. nobody listened to `onConnect`).
   */
  get error(): string | undefined {
    return this.#error;
  }

  /** Sends a JSON-serialisable message to the other end (throws once disconnected). */
  postMessage(message: unknown): void {
    if (!this.#connected) throw new Error(DISCONNECTED);
    this.#link.post(toJson(message));
  }

  /** Disconnects at once; the other end's `onDisconnect` fires, this end's does not. */
  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#link.close();
  }

  /** A message from the other end arrived (the hub's side of the port). */
  deliver(json: string): void {
    if (!this.#connected) return;
    const message = JSON.parse(json);
    for (const fn of [...this.onMessage.listeners]) this.#run(() => fn(message, this));
  }

  /** The other end went away, with Chrome's `lastError` text when it was an error. */
  end(error?: string, around: (run: () => void) => void = (run) => run()): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#error = error;
    around(() => {
      for (const fn of [...this.onDisconnect.listeners]) this.#run(() => fn(this));
    });
  }

  #run(fn: () => unknown): void {
    try {
      fn();
    } catch (error) {
      this.#report(error);
    }
  }
}

/**
 * A message as Chrome sends it (ports and `runtime.sendMessage`): JSON text, `undefined` as
 * `null`; what JSON cannot hold (a cycle, a BigInt) throws Chrome's "Could not serialize message."
 *
 * @example
 * ```ts
 * toJson({ when: new Date(0) }); // '{"when":"1970-01-01T00:00:00.000Z"}'
 * ```
 */
export function toJson(message: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(message === undefined ? null : message);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw new Error("Could not serialize message.");
  return json;
}

/**
 * A value as it arrives after crossing as JSON ({@linkcode toJson}); `undefined` (no response)
 * stays undefined.
 *
 * @example
 * ```ts
 * asJson({ when: new Date(0) }); // { when: "1970-01-01T00:00:00.000Z" }
 * ```
 */
export function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(toJson(value));
}
