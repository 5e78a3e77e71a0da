/**
 * Handing {@linkcode MessagePortMain}s to Workers, and watching the Worker so that the ports left
 * on this side get `close` when it is terminated, exits or crashes (Deno reports none of these to
 * the ports; Bun reports some).
 *
 * @module
 */
import { MessagePortMain, type PortTransfer } from "./message_channel.ts";
import { type CloseReason, partner, probe, remoteGone } from "./_port_protocol.ts";

/** How long a port waits for a pong after its Worker reported an error. */
const ERROR_PROBE_MS = 1000;

const watched = new WeakMap<object, Set<MessagePortMain>>();

/**
 * The part of a Worker that {@linkcode watchWorker} uses.
 *
 * @example
 * ```ts
 * const worker: WatchableWorker = new Worker(new URL("../w.ts", import.meta.url), { type: "module" });
 * ```
 */
export interface WatchableWorker {
  /** `Worker.postMessage`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** `Worker.terminate`. */
  terminate(): void;
  /** `Worker.addEventListener`. */
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * Makes `port` (which stays on this side) get `close` when `worker`, where its remote end lives,
 * is terminated (`worker.terminate()`), exits (the `close` event runtimes that have it fire), or
 * reports an error and then stops answering.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL("../w.ts", import.meta.url), { type: "module" });
 * const { port1, port2 } = new MessageChannelMain();
 * worker.postMessage(null, [port2.unwrap()]);
 * watchWorker(worker, port1);
 * port1.on("close", () => console.log("worker gone"));
 * ```
 */
export function watchWorker(worker: WatchableWorker, port: MessagePortMain): void {
  if (!(port instanceof MessagePortMain)) {
    throw new TypeError("watchWorker needs a MessagePortMain");
  }
  let ports = watched.get(worker);
  if (!ports) {
    ports = new Set();
    watched.set(worker, ports);
    hook(worker, ports);
  }
  ports.add(port);
  port.once("close", () => ports.delete(port));
}

/**
 * Posts `message` to `worker`, transferring `MessagePortMain`s (unwrapped; wrap them again inside
 * the Worker with `new MessagePortMain(event.ports[i])`) and other transferables. The partners of
 * the transferred ports that are still on this side are watched with {@linkcode watchWorker}.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL("../w.ts", import.meta.url), { type: "module" });
 * const { port1, port2 } = new MessageChannelMain();
 * postToWorker(worker, { hello: 1 }, [port2]);
 * port1.on("message", (e) => console.log(e.data));
 * port1.start();
 * ```
 */
export function postToWorker(
  worker: WatchableWorker,
  message: unknown,
  transfer: PortTransfer = [],
): void {
  const native: Transferable[] = [];
  const stay: MessagePortMain[] = [];
  const seen = new Set<unknown>();
  for (const item of transfer) {
    if (seen.has(item)) {
      throw new DOMException("Duplicate item in the transfer list", "DataCloneError");
    }
    seen.add(item);
    if (item instanceof MessagePortMain) {
      if (item.closed) throw new DOMException("Cannot transfer a closed port", "DataCloneError");
      const local = item[partner]?.deref();
      if (local && !local.closed) stay.push(local);
    } else {
      native.push(item);
    }
  }
  const unwrapped = transfer.filter((t): t is MessagePortMain => t instanceof MessagePortMain);
  const ports = unwrapped.map((p) => p.unwrap());
  worker.postMessage(message, [...ports, ...native]);
  for (const port of stay) watchWorker(worker, port);
}

function hook(worker: WatchableWorker, ports: Set<MessagePortMain>): void {
  const tell = (reason: CloseReason) => {
    for (const port of [...ports]) port[remoteGone](reason);
    ports.clear();
  };
  const terminate = worker.terminate;
  worker.terminate = function (this: WatchableWorker) {
    terminate.call(worker);
    tell("worker-terminated");
  };
  worker.addEventListener("close", () => tell("worker-exited"));
  worker.addEventListener("error", () => {
    for (const port of ports) port[probe](ERROR_PROBE_MS, "worker-exited");
  });
}
