/**
 * Type helpers that map CDP method and event names to their parameter and result types, from the
 * `devtools-protocol` package.
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import type { ProtocolMapping } from "devtools-protocol/types/protocol-mapping";

/**
 * Every CDP command name mapped to its `paramsType` and `returnType` (`ProtocolMapping.Commands`
 * of the `devtools-protocol` package).
 *
 * @example
 * ```ts
 * type Evaluate = CdpCommandMap["Runtime.evaluate"]["returnType"];
 * ```
 */
export type CdpCommandMap = ProtocolMapping.Commands;
/**
 * Every CDP event name mapped to its parameter tuple (`ProtocolMapping.Events` of the
 * `devtools-protocol` package).
 *
 * @example
 * ```ts
 * type Console = CdpEventMap["Runtime.consoleAPICalled"];
 * ```
 */
export type CdpEventMap = ProtocolMapping.Events;
/**
 * A target's description as CDP reports it (`Protocol.Target.TargetInfo`).
 *
 * @example
 * ```ts
 * const isPage = (info: CdpTargetInfo) => info.type === "page";
 * ```
 */
export type CdpTargetInfo = Protocol.Target.TargetInfo;
/**
 * The parameters of `Target.attachedToTarget` (`Protocol.Target.AttachedToTargetEvent`).
 *
 * @example
 * ```ts
 * const sessionOf = (event: CdpAttachedToTargetEvent) => event.sessionId;
 * ```
 */
export type CdpAttachedToTargetEvent = Protocol.Target.AttachedToTargetEvent;
/**
 * The parameters of `Target.targetInfoChanged` (`Protocol.Target.TargetInfoChangedEvent`).
 *
 * @example
 * ```ts
 * const urlOf = (event: CdpTargetInfoChangedEvent) => event.targetInfo.url;
 * ```
 */
export type CdpTargetInfoChangedEvent = Protocol.Target.TargetInfoChangedEvent;

/** Every CDP command name, e.g. `"Runtime.evaluate"`. */
export type CdpCommand = keyof CdpCommandMap;
/** Every CDP event name, e.g. `"Runtime.consoleAPICalled"`. */
export type CdpEvent = keyof CdpEventMap;
/** The parameters of a command (`undefined` for commands without any). */
export type CdpParams<M extends CdpCommand> = CdpCommandMap[M]["paramsType"][0];
/** The result of a command. */
export type CdpResult<M extends CdpCommand> = CdpCommandMap[M]["returnType"];
/** The parameters of an event (`unknown` for a name the protocol does not know). */
export type CdpEventParams<E extends string> = E extends CdpEvent
  ? CdpEventMap[E] extends [infer P] ? P : undefined
  : unknown;

/** Options of one command. */
export interface SendOptions {
  /** The flat session to send to; empty or absent for the browser session. */
  sessionId?: string;
  /** Aborts the call: it rejects with the signal's reason (the browser still runs it). */
  signal?: AbortSignal;
  /** Rejects with a `TimeoutError` DOMException after this many milliseconds. */
  timeout?: number;
}

/** A listener of one event: its parameters and the session it came from (`""` = browser). */
export type CdpListener<E extends string> = (params: CdpEventParams<E>, sessionId: string) => void;

/** A listener of every event, before any session holds it back (see `CdpConnection.observe`). */
export type CdpObserver = (method: string, params: unknown, sessionId: string) => void;

/** Options of a connection. */
export interface CdpConnectionOptions {
  /** Default per-call timeout in milliseconds (none by default). */
  timeout?: number;
  /**
   * Called with malformed messages from the transport and exceptions thrown by listeners; the
   * connection carries on. Defaults to `console.error`.
   */
  onError?: (error: Error) => void;
}
