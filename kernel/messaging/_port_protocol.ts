/**
 * The control messages two {@linkcode MessagePortMain}s exchange over their Web `MessagePort`, and
 * the internal hooks `worker_ports.ts` uses. User data travels as is; a control message is an object
 * with the {@linkcode CONTROL} key, and user data that happens to have that key is wrapped.
 *
 * @module
 */

/** The key that marks a control message. */
export const CONTROL = "\u0000websession.port";

/** Control message kinds. */
export type ControlKind = "close" | "collected" | "ping" | "pong" | "data";

/** A control message. */
export interface ControlMessage {
  [CONTROL]: ControlKind;
  /** The wrapped user data (kind `data`). */
  d?: unknown;
}

/** Sent once by the side that closes explicitly. */
export const CLOSE_MESSAGE: ControlMessage = { [CONTROL]: "close" };
/** Sent once for a port that was garbage-collected. */
export const COLLECTED_MESSAGE: ControlMessage = { [CONTROL]: "collected" };
/** Liveness probe; answered by {@linkcode PONG_MESSAGE}. */
export const PING_MESSAGE: ControlMessage = { [CONTROL]: "ping" };
/** Answer to {@linkcode PING_MESSAGE}. */
export const PONG_MESSAGE: ControlMessage = { [CONTROL]: "pong" };

/** Whether `data` is a control message (or would be mistaken for one). */
export function isControl(data: unknown): data is ControlMessage {
  return typeof data === "object" && data !== null && CONTROL in data;
}

/** Why the remote end went away, as given to `close` listeners. */
export type CloseReason =
  | "closed"
  | "garbage-collected"
  | "worker-terminated"
  | "worker-exited"
  | "unresponsive";

/** Internal: the remote end is gone (reason), deliver what is in flight first. */
export const remoteGone: unique symbol = Symbol("websession.remoteGone");
/** Internal: ask the remote end for a pong within `ms`, else treat it as gone. */
export const probe: unique symbol = Symbol("websession.probe");
/** Internal: the wrapper created together with this one by `MessageChannelMain`. */
export const partner: unique symbol = Symbol("websession.partner");
/** Internal: the remote end is known to be a MessagePortMain. */
export const wrapped: unique symbol = Symbol("websession.wrapped");
