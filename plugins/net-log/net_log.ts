/**
 * `ses.netLog`: Electron's `NetLog` for one session. `startLogging(path, options)` writes
 * Chromium's NetLog JSON to `path` (open it in Chromium's netlog viewer), `stopLogging()`
 * resolves once the file is complete, `currentlyLogging` says whether it records.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import { type NetLogCaptureMode, type NetLogClientInfo, netLogConstants } from "./constants.ts";
import { NetLogFileWriter, type OpenTextFile } from "./file_sink.ts";
import { startFormatter } from "./formatter.ts";
import { type NetLogClock, NetLogRecorder, performanceClock } from "./recorder.ts";

/** Options of {@linkcode NetLog.startLogging}, as Electron's. */
export interface StartLoggingOptions {
  /**
   * What is recorded: `default` (metadata; cookie and credential headers elided),
   * `includeSensitive` (with cookies and credentials), `everything` (also request bodies).
   */
  captureMode?: NetLogCaptureMode;
  /** Past this many bytes of events, logging stops by itself (default: unlimited). */
  maxFileSize?: number;
}

const MODES: readonly NetLogCaptureMode[] = ["default", "includeSensitive", "everything"];

/**
 * A session's net log (Electron's `NetLog`).
 *
 * @example
 * ```ts ignore
 * await ses.netLog.startLogging("/tmp/net-log.json");
 * await ses.fetch("https://example.com/");
 * await ses.netLog.stopLogging();
 * ```
 */
export class NetLog {
  #ctx: PluginContext;
  #open: OpenTextFile | null;
  #clientInfo: () => NetLogClientInfo;
  #clock: () => NetLogClock;
  #active: { recorder: NetLogRecorder; writer: NetLogFileWriter } | null = null;
  #starting = false;
  #stopping: Promise<void> = Promise.resolve();

  /** Made by the net-log plugin. */
  constructor(
    ctx: PluginContext,
    open: OpenTextFile | null,
    clientInfo: () => NetLogClientInfo,
    clock: () => NetLogClock = performanceClock,
  ) {
    this.#ctx = ctx;
    this.#open = open;
    this.#clientInfo = clientInfo;
    this.#clock = clock;
  }

  /** Whether the session's network events are being recorded. */
  get currentlyLogging(): boolean {
    return this.#active !== null;
  }

  /**
   * Starts recording the session's network events to `path`; resolves when recording has begun.
   * Rejects with a TypeError for a bad path or option, and with an Error while already logging.
   */
  async startLogging(path: string, options: StartLoggingOptions = {}): Promise<void> {
    if (typeof path !== "string" || path === "") {
      throw new TypeError("netLog.startLogging: path must be a non-empty string");
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("netLog.startLogging: options must be an object");
    }
    const mode = options.captureMode ?? "default";
    if (!MODES.includes(mode)) {
      throw new TypeError(
        `netLog.startLogging: captureMode must be "default", "includeSensitive" or "everything", not ${
          JSON.stringify(mode)
        }`,
      );
    }
    const max = options.maxFileSize;
    if (max !== undefined && !(typeof max === "number" && max > 0 && Number.isFinite(max))) {
      throw new TypeError("netLog.startLogging: maxFileSize must be a positive number of bytes");
    }
    if (this.#active !== null || this.#starting) {
      throw new Error("netLog.startLogging: the session is already logging; call stopLogging()");
    }
    if (this.#open === null) {
      throw new Error(
        "netLog.startLogging: this runtime has no file system to write a net log to (Deno and Bun have)",
      );
    }
    this.#starting = true;
    try {
      const file = await this.#open(path);
      const clock = this.#clock();
      const constants = netLogConstants({
        captureMode: mode,
        timeTickOffset: clock.offset,
        clientInfo: this.#clientInfo(),
      });
      const writer = new NetLogFileWriter(file, constants, {
        mode,
        maxFileSize: max ?? null,
        onFull: () => void this.stopLogging().catch((error) => this.#ctx.report(error, "netLog")),
        // Without a limit, events become JSON in a Worker, off the requests' thread.
        formatter: max === undefined ? await startFormatter(mode) : undefined,
      });
      const recorder = new NetLogRecorder(this.#ctx, mode, clock, writer);
      this.#active = { recorder, writer };
    } finally {
      this.#starting = false;
    }
  }

  /** Stops recording; resolves when the file is complete on disk (at once when not logging). */
  stopLogging(): Promise<void> {
    const active = this.#active;
    // A stop under way (maxFileSize reached): this one resolves with it, when the file is done.
    if (active === null) return this.#stopping;
    this.#active = null;
    active.recorder.stop();
    const stopping = active.writer.finish();
    this.#stopping = stopping.then(() => {}, () => {});
    return stopping;
  }
}
