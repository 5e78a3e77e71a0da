/**
 * The Worker's ports: `chrome.runtime.connect` (a port to the session, which hears it as
 * `runtime-connect`) and `chrome.runtime.onConnect` (ports the session opens with
 * `ses.extensions.connect`). A connection nobody receives ends with Chrome's "Receiving end does
 * not exist" as `runtime.lastError` in the port's `onDisconnect`.
 *
 * @module
 */
import type { ChromeEvent } from "./_chrome_event.ts";
import { ExtensionPort, NO_RECEIVER, type PortWire } from "./_port.ts";
import { connectArguments } from "./_send_message_arguments.ts";

/** What the Worker's ports need from `install`. */
export interface WorkerPortsOptions {
  /** The extension's id. */
  id: string;
  /** Sends a port message to the session. */
  send(message: PortWire): void;
  /** `chrome.runtime.onConnect`. */
  onConnect: ChromeEvent;
  /** Runs `run` with `chrome.runtime.lastError` set to `message`. */
  withLastError(message: string | undefined, run: () => void): void;
  /** Reports a listener's error. */
  report(error: unknown): void;
}

/**
 * The Worker's side of ports.
 *
 * @example
 * ```ts ignore
 * const ports = workerPorts({ id, send, onConnect, withLastError, report });
 * runtime.connect = ports.connect;
 * ```
 */
export function workerPorts(o: WorkerPortsOptions): {
  connect(...args: unknown[]): ExtensionPort;
  receive(message: PortWire): void;
} {
  const ports = new Map<string, ExtensionPort>();
  let seq = 0;
  const open = (id: string, name: string, sender?: PortWire & { op: "open" }) => {
    const port = new ExtensionPort(name, sender?.sender, {
      post: (json) => o.send({ t: "port", op: "message", port: id, json }),
      close: () => {
        ports.delete(id);
        o.send({ t: "port", op: "close", port: id });
      },
    }, o.report);
    ports.set(id, port);
    return port;
  };
  const end = (id: string, error?: string) => {
    const port = ports.get(id);
    ports.delete(id);
    port?.end(error, (run) => o.withLastError(error, run));
  };
  return {
    connect(...args: unknown[]): ExtensionPort {
      const { target: extensionId, name } = connectArguments(args);
      const id = `w${++seq}`;
      const port = open(id, name);
      if (extensionId !== undefined && extensionId !== o.id) {
        // no other extension runs beside it: nobody receives (as Chrome for an unknown id)
        queueMicrotask(() => end(id, NO_RECEIVER));
      } else o.send({ t: "port", op: "open", port: id, name, sender: {} });
      return port;
    },
    receive(message: PortWire): void {
      if (message.op === "message") return ports.get(message.port)?.deliver(message.json);
      if (message.op === "close") return end(message.port, message.error);
      if (!o.onConnect.hasListeners()) {
        o.send({ t: "port", op: "close", port: message.port, error: NO_RECEIVER });
        return;
      }
      const port = open(message.port, message.name, message);
      for (const fn of [...o.onConnect.listeners]) {
        try {
          fn(port);
        } catch (error) {
          o.report(error);
        }
      }
    },
  };
}
