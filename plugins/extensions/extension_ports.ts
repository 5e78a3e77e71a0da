/**
 * The session's side of one extension's ports: `ses.extensions.connect(id, { name })` opens one
 * to the background's `chrome.runtime.onConnect` (waking a stopped service worker), and a port the
 * background opens with `chrome.runtime.connect` is handed to the session's `runtime-connect`
 * listeners. When the background's Worker stops, every port of it disconnects.
 *
 * @module
 */
import { ExtensionPort, NO_RECEIVER, type PortSender, type PortWire } from "./_port.ts";

/** What the ports need from their extension. */
export interface PortHubOptions {
  /** The sender a port the background opens carries (`{ id, url }`). */
  sender(): PortSender;
  /** The running background, started if it is not. */
  background(): Promise<{ postPort(message: PortWire): void }>;
  /** Hands a port the background opened to the session's listeners; false when there are none. */
  accept(port: ExtensionPort): boolean;
  /** Reports a listener's error. */
  report(error: unknown): void;
}

/**
 * The ports between one extension's background and the session.
 *
 * @example
 * ```ts ignore
 * const ports = new PortHub({ sender: () => ({ id, url }), background: wake, accept, report });
 * const port = ports.connect("chat");
 * port.postMessage({ hello: "background" });
 * ```
 */
export class PortHub {
  readonly #o: PortHubOptions;
  readonly #ports = new Map<string, ExtensionPort>();
  #seq = 0;

  /** Made by each loaded extension. */
  constructor(options: PortHubOptions) {
    this.#o = options;
  }

  /** A port to the background's `runtime.onConnect` (Chrome's sender: `{ origin: "websession" }`). */
  connect(name: string): ExtensionPort {
    const id = `s${++this.#seq}`;
    const ready = this.#o.background().then((background) => {
      background.postPort({ t: "port", op: "open", port: id, name, sender: WEBSESSION });
      return background;
    });
    ready.catch(() => this.#end(id, NO_RECEIVER));
    return this.#open(id, name, undefined, (message) => {
      ready.then((background) => background.postPort(message), () => {});
    });
  }

  /** A port message from the background. */
  receive(message: PortWire): void {
    if (message.op === "message") return this.#ports.get(message.port)?.deliver(message.json);
    if (message.op === "close") return this.#end(message.port, message.error);
    const sendBack = (reply: PortWire) => {
      this.#o.background().then((b) => b.postPort(reply), this.#o.report);
    };
    const port = this.#open(message.port, message.name, this.#o.sender(), sendBack);
    if (!this.#o.accept(port)) {
      this.#ports.delete(message.port);
      sendBack({ t: "port", op: "close", port: message.port, error: NO_RECEIVER });
    }
  }

  /** The background's Worker stopped (idle, crashed or unloaded): every port disconnects. */
  backgroundGone(): void {
    for (const id of [...this.#ports.keys()]) this.#end(id);
  }

  #open(
    id: string,
    name: string,
    sender: PortSender | undefined,
    send: (message: PortWire) => void,
  ): ExtensionPort {
    const port = new ExtensionPort(name, sender, {
      post: (json) => send({ t: "port", op: "message", port: id, json }),
      close: () => {
        this.#ports.delete(id);
        send({ t: "port", op: "close", port: id });
      },
    }, this.#o.report);
    this.#ports.set(id, port);
    return port;
  }

  #end(id: string, error?: string): void {
    const port = this.#ports.get(id);
    this.#ports.delete(id);
    port?.end(error);
  }
}

/** The sender of a port the session opens (as `ses.extensions.sendMessage`'s). */
const WEBSESSION: PortSender = { origin: "websession" };
