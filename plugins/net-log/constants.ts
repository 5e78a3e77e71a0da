/**
 * The `constants` block of a NetLog file, as Chromium's `--log-net-log` and `chrome://net-export`
 * write it: the viewer maps every event's numeric `type`, `source.type` and `phase` back to names
 * through it. websession lists the event and source types it emits, under Chromium's names, with
 * its own numbering (the viewer reads the numbers from the file, never from a built-in table).
 *
 * @module
 */
import { NET_ERROR_CODES } from "../../kernel/errors.ts";

/**
 * Chromium's event types that websession's net log emits, in lifecycle order.
 *
 * @example
 * ```ts
 * NET_LOG_EVENT_TYPES.includes("URL_REQUEST_START_JOB"); // true
 * ```
 */
export const NET_LOG_EVENT_TYPES = [
  "CANCELLED",
  "FAILED",
  "REQUEST_ALIVE",
  "NETWORK_DELEGATE_BEFORE_URL_REQUEST",
  "URL_REQUEST_START_JOB",
  "NETWORK_DELEGATE_BEFORE_START_TRANSACTION",
  "HTTP_TRANSACTION_SEND_REQUEST",
  "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
  "HTTP_TRANSACTION_SEND_REQUEST_BODY",
  "HTTP_TRANSACTION_READ_HEADERS",
  "HTTP_TRANSACTION_READ_RESPONSE_HEADERS",
  "NETWORK_DELEGATE_HEADERS_RECEIVED",
  "AUTH_HANDLE_CHALLENGE",
  "URL_REQUEST_DELEGATE_RECEIVED_REDIRECT",
  "URL_REQUEST_REDIRECTED",
  "URL_REQUEST_DELEGATE_RESPONSE_STARTED",
  "URL_REQUEST_JOB_FILTERED_BYTES_READ",
  "DELEGATE_INFO",
  "COOKIE_INCLUSION_STATUS",
  "COOKIE_STORE_ALIVE",
  "COOKIE_STORE_COOKIE_ADDED",
  "COOKIE_STORE_COOKIE_DELETED",
  // Proxy resolution and PAC scripts (the proxy plugin).
  "PROXY_CONFIG_CHANGED",
  "PAC_FILE_DECIDER",
  "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT",
  "PAC_JAVASCRIPT_ERROR",
  "PAC_JAVASCRIPT_ALERT",
  "HTTP_STREAM_REQUEST",
  "HTTP_STREAM_JOB_CONTROLLER_BOUND",
  "HTTP_STREAM_JOB_CONTROLLER",
  "PROXY_RESOLUTION_SERVICE",
  "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST",
  "PROXY_LIST_FALLBACK",
  "BAD_PROXY_LIST_REPORTED",
  // Connect jobs, sockets, CONNECT tunnels and SOCKS (the proxy plugin's tunnels, the server).
  "SOCKET_POOL_BOUND_TO_CONNECT_JOB",
  "SOCKET_POOL_BOUND_TO_SOCKET",
  "CONNECT_JOB",
  "CONNECT_JOB_SET_SOCKET",
  "HTTP_PROXY_CONNECT_JOB_CONNECT",
  "SOCKS_CONNECT_JOB_CONNECT",
  "SOCKET_ALIVE",
  "TCP_CONNECT",
  "SOCKET_IN_USE",
  "SOCKET_CLOSED",
  "HTTP_TRANSACTION_TUNNEL_SEND_REQUEST",
  "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS",
  "HTTP_TRANSACTION_TUNNEL_READ_HEADERS",
  "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS",
  "SOCKS_CONNECT",
  "SOCKS5_CONNECT",
  "SOCKS_UNEXPECTED_VERSION",
  "SOCKS_SERVER_ERROR",
  "SOCKS_UNEXPECTED_AUTH",
  "SOCKS_UNKNOWN_ADDRESS_TYPE",
] as const;

/** An event type websession's net log emits. */
export type NetLogEventType = typeof NET_LOG_EVENT_TYPES[number];

/**
 * Chromium's source types that websession's net log uses.
 *
 * @example
 * ```ts
 * NET_LOG_SOURCE_TYPES[1]; // "URL_REQUEST"
 * ```
 */
export const NET_LOG_SOURCE_TYPES = [
  "NONE",
  "URL_REQUEST",
  "COOKIE_STORE",
  "PAC_FILE_DECIDER",
  "HTTP_PROXY_CONNECT_JOB",
  "SOCKS_CONNECT_JOB",
  "SOCKET",
  "HTTP_STREAM_JOB_CONTROLLER",
] as const;

/** A source type websession's net log uses. */
export type NetLogSourceType = typeof NET_LOG_SOURCE_TYPES[number];

/**
 * The phases of an event, with Chromium's numbers.
 *
 * @example
 * ```ts
 * NET_LOG_PHASES.PHASE_BEGIN; // 1
 * ```
 */
export const NET_LOG_PHASES = { PHASE_NONE: 0, PHASE_BEGIN: 1, PHASE_END: 2 } as const;

/** What is recorded: Electron's names. */
export type NetLogCaptureMode = "default" | "includeSensitive" | "everything";

const CAPTURE_MODE_NAMES: Record<NetLogCaptureMode, string> = {
  default: "Default",
  includeSensitive: "IncludeSensitive",
  everything: "Everything",
};

const indexOf = (names: readonly string[]): Record<string, number> =>
  Object.fromEntries(names.map((name, i) => [name, i]));

/** Event type name to its number in websession's files. */
export const EVENT_TYPE_IDS: Readonly<Record<NetLogEventType, number>> = indexOf(
  NET_LOG_EVENT_TYPES,
) as Record<NetLogEventType, number>;

/** Source type name to its number in websession's files. */
export const SOURCE_TYPE_IDS: Readonly<Record<NetLogSourceType, number>> = indexOf(
  NET_LOG_SOURCE_TYPES,
) as Record<NetLogSourceType, number>;

/** Who wrote the log (`clientInfo`). */
export interface NetLogClientInfo {
  /** The product, e.g. `websession`. */
  name: string;
  /** Its version. */
  version: string;
  /** The runtime and platform, e.g. `deno 2.9 (linux)`. */
  os_type: string;
  /** The command line of the process. */
  command_line: string;
}

/**
 * The `constants` object of a file: every key Chromium 156 writes, with the tables websession
 * needs filled in.
 *
 * @example
 * ```ts
 * const constants = netLogConstants({ captureMode: "default", timeTickOffset: 0, clientInfo: {
 *   name: "websession", version: "0.1.0", os_type: "deno", command_line: "",
 * } });
 * constants.logFormatVersion; // 1
 * ```
 */
export function netLogConstants(options: {
  captureMode: NetLogCaptureMode;
  timeTickOffset: number;
  clientInfo: NetLogClientInfo;
}): Record<string, unknown> {
  const netError: Record<string, number> = {};
  for (const [code, number] of Object.entries(NET_ERROR_CODES)) {
    netError[code.slice("net::".length)] = number;
  }
  return {
    activeFieldTrialGroups: [],
    addressFamily: {
      ADDRESS_FAMILY_IPV4: 1,
      ADDRESS_FAMILY_IPV6: 2,
      ADDRESS_FAMILY_UNSPECIFIED: 0,
    },
    certStatusFlag: {},
    certVerifierFlags: {},
    certVerifyFlags: {},
    clientInfo: options.clientInfo,
    dnsQueryType: { UNSPECIFIED: 0, A: 1, AAAA: 2 },
    loadFlag: { NORMAL: 0 },
    loadState: { IDLE: 0 },
    logCaptureMode: CAPTURE_MODE_NAMES[options.captureMode],
    logEventPhase: NET_LOG_PHASES,
    logEventTypes: EVENT_TYPE_IDS,
    logFormatVersion: 1,
    logSourceType: SOURCE_TYPE_IDS,
    netError,
    quicError: {},
    quicRstStreamError: {},
    secureDnsMode: { Off: 0, Automatic: 1, Secure: 2 },
    timeTickOffset: options.timeTickOffset,
  };
}
