/**
 * The net-log plugin itself (`ses.netLog`), apart from the module's other exports, so that an
 * entry that only adds the plugin (the browser bundle's) does not load the recorder's parts with
 * it: they load with the first `startLogging()`.
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import { NetLog } from "./net_log.ts";
import type { OpenTextFile } from "./file_sink.ts";
import type { NetLogClientInfo } from "./constants.ts";

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
