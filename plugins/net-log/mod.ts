/**
 * The net-log plugin: `ses.netLog` (Electron's `NetLog`) records the session's network events as
 * Chromium's NetLog JSON, the format of `--log-net-log` and `chrome://net-export`, which
 * Chromium's netlog viewer opens. Files are written through the `openFile` the entry hands over
 * (Deno and Bun: `node:fs`).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("net-log-doc");
 * await ses.netLog.startLogging("/tmp/websession-net-log.json", { captureMode: "default" });
 * await ses.fetch("data:text/plain,hi");
 * await ses.netLog.stopLogging();
 * ```
 *
 * @module
 */

export type * from "../../kernel/mod.ts";
export { NetLog } from "./net_log.ts";
export type { StartLoggingOptions } from "./net_log.ts";
export type { OpenTextFile, TextFile } from "./file_sink.ts";
export { NetLogFileWriter } from "./file_sink.ts";
export {
  NET_LOG_EVENT_TYPES,
  NET_LOG_PHASES,
  NET_LOG_SOURCE_TYPES,
  netLogConstants,
} from "./constants.ts";
export type {
  NetLogCaptureMode,
  NetLogClientInfo,
  NetLogEventType,
  NetLogSourceType,
} from "./constants.ts";
export type { NetLogClock, NetLogEvent } from "./recorder.ts";
export type { AddEvent, AddHeadersEvent, EventHead } from "./event_buffer.ts";
export type { RecordWriter, RequestRecord, StoredCookie } from "./request_record.ts";
export { headerLine, headerLines } from "./sensitive_headers.ts";
export {
  createNetLogPlugin,
  type NetLogMembers,
  netLogPlugin,
  type NetLogPluginOptions,
} from "./plugin.ts";
