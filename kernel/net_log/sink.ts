/**
 * The net log's hook for other parts of websession: while `ses.netLog` records, a request's
 * `data` holds a {@link NetLogSink} for its `URL_REQUEST` source under {@link NET_LOG_SINK}, and
 * {@link sessionNetLog} gives the session's global one (source `NONE`). The proxy plugin, the
 * tunnel adapters and the session server write Chromium's events through them (proxy
 * resolution, PAC, sockets, tunnels, SOCKS); nothing is built when no log records.
 *
 * @module
 */

import type { NetLogSink } from "../contracts.ts";

export type { NetLogSink, NetLogSourceRef } from "../contracts.ts";

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
