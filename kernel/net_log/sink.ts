/**
 * The net log's hook for other parts of websession: while `ses.netLog` records, a request's
 * `data` holds a {@link NetLogSink} for its `URL_REQUEST` source under {@link NET_LOG_SINK}, and
 * {@link sessionNetLog} gives the session's global one (source `NONE`). The proxy plugin, the
 * tunnel adapters and the session server write Chromium's events through them (proxy
 * resolution, PAC, sockets, tunnels, SOCKS); nothing is built when no log records.
 *
 * @module
 */

/** A source's reference in another event's parameters (Chromium's `source_dependency`). */
export interface NetLogSourceRef {
  /** The source's id in the log. */
  id: number;
  /** Its source type's number in the log's constants. */
  type: number;
}

/** Writes events of one NetLog source (Chromium's event and source type names). */
export interface NetLogSink {
  /** This source, for `source_dependency` parameters. */
  readonly ref: NetLogSourceRef;
  /** Begins an event (phase 1). */
  begin(type: string, params?: Record<string, unknown>): void;
  /** Ends an event (phase 2); `params.net_error` on failure. */
  end(type: string, params?: Record<string, unknown>): void;
  /** An event without duration (phase 0). */
  event(type: string, params?: Record<string, unknown>): void;
  /** A new source of the same log (`SOCKET`, `HTTP_PROXY_CONNECT_JOB`, ...). */
  source(type: string): NetLogSink;
  /** Header lines as the capture mode shows them (credentials stripped below includeSensitive). */
  headerLines(headers: Headers): string[];
  /**
   * A `URL_REQUEST`'s connection is ready (after proxy resolution and any tunnel): its
   * `HTTP_TRANSACTION_SEND_REQUEST` events are written now rather than at its next event.
   */
  sending(): void;
}

/**
 * The key of a request's sink in `request.data`.
 *
 * @example
 * ```ts
 * const data = new Map<unknown, unknown>();
 * data.get(NET_LOG_SINK); // undefined: no log records
 * ```
 */
export const NET_LOG_SINK: unique symbol = Symbol("websession.netLogSink");

const sessions = new WeakMap<object, NetLogSink>();

/**
 * The session's global sink while its net log records, else undefined.
 *
 * @example
 * ```ts
 * sessionNetLog({}); // undefined
 * ```
 */
export function sessionNetLog(session: object): NetLogSink | undefined {
  return sessions.get(session);
}

/**
 * Sets (or, with null, clears) the session's global sink: the net-log plugin's job.
 *
 * @example
 * ```ts
 * const session = {};
 * setSessionNetLog(session, null);
 * ```
 */
export function setSessionNetLog(session: object, sink: NetLogSink | null): void {
  if (sink === null) sessions.delete(session);
  else sessions.set(session, sink);
}
