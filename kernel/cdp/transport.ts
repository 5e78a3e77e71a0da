/**
 * The CDP transport contract: a duplex channel of text messages between a client and a browser's
 * DevTools endpoint (a WebSocket, the `--remote-debugging-pipe` file descriptors, an embedder's
 * message port...). Adapters in `adapters/cdp/` implement it; {@linkcode CdpConnection} uses it.
 *
 * @module
 */

/**
 * A text channel to a DevTools endpoint.
 *
 * - `send(message)` sends one complete JSON message (the transport does any framing). Sending on a
 *   closed transport is a no-op or throws; the connection rejects the call either way.
 * - `onmessage` is called once per complete message received, in order. Set it right after
 *   creating the transport: messages that arrive while it is `null` are dropped.
 * - `closed` settles (resolves with a reason) once the channel is closed, from either side; it
 *   never rejects.
 * - `close()` closes the channel; it is idempotent.
 *
 * @example
 * ```ts
 * import type { CdpTransport } from "./transport.ts";
 *
 * function echo(transport: CdpTransport): void {
 *   transport.onmessage = (text) => console.log("received", text);
 *   transport.send(JSON.stringify({ id: 1, method: "Browser.getVersion" }));
 *   transport.closed.then((reason) => console.log("closed:", reason));
 * }
 * ```
 */
export interface CdpTransport {
  /** Sends one message. */
  send(message: string): void;
  /** Receives every message, in order. */
  onmessage: ((message: string) => void) | null;
  /** Resolves with a reason once the transport is closed. */
  readonly closed: Promise<string>;
  /** Closes the transport. */
  close(): void;
}
