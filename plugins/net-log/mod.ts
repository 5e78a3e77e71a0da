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
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import { NetLog } from "./net_log.ts";
import type { OpenTextFile } from "./file_sink.ts";
import type { NetLogClientInfo } from "./constants.ts";

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
export { headerLine, headerLines } from "./sensitive_headers.ts";

/**
 * The session member the net-log plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: NetLogMembers = session.fromPartition("net-log-members");
 * ses.netLog.currentlyLogging; // false
 * ```
 */
export interface NetLogMembers {
  /** The session's net log (Electron's `ses.netLog`). */
  readonly netLog: NetLog;
}

/** Options of {@linkcode createNetLogPlugin}. */
export interface NetLogPluginOptions {
  /** Creates the log file (none: `startLogging` rejects, naming the missing file system). */
  openFile?: OpenTextFile;
  /** Who wrote the log, for `constants.clientInfo` (default: websession and the runtime). */
  clientInfo?: () => NetLogClientInfo;
}

/**
 * Makes the net-log plugin with a way to create files.
 *
 * @example
 * ```ts
 * const plugin = createNetLogPlugin({});
 * plugin.name; // "net-log"
 * ```
 */
export function createNetLogPlugin(options: NetLogPluginOptions = {}): Plugin<NetLogMembers> {
  const clientInfo = options.clientInfo ??
    (() => ({ name: "websession", version: "", os_type: detectRuntime(), command_line: "" }));
  return definePlugin<NetLogMembers>({
    manifest,
    setup(ctx) {
      const netLog = new NetLog(ctx, options.openFile ?? null, clientInfo);
      ctx.provide({ netLog });
      // stopLogging() rejects when no log runs (Electron's): a session closes without a log too.
      return () => netLog.currentlyLogging ? netLog.stopLogging() : undefined;
    },
  });
}

/**
 * The net-log plugin without a file system (the browser's); Deno's and Bun's preset hands it
 * `node:fs` (`presets/default.ts`).
 *
 * @example
 * ```ts
 * netLogPlugin.manifest.api; // ["netLog"]
 * ```
 */
export const netLogPlugin: Plugin<NetLogMembers> = createNetLogPlugin();
