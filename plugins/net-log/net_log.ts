/**
 * `ses.netLog`: Electron's `NetLog` for one session. `startLogging(path, options)` writes
 * Chromium's NetLog JSON to `path` (open it in Chromium's netlog viewer), `stopLogging()`
 * resolves once the file is complete, `currentlyLogging` says whether it records.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import type { NetLogCaptureMode, NetLogClientInfo } from "./constants.ts";
import type { NetLogFileWriter, OpenTextFile } from "./file_sink.ts";
import type { NetLogClock, NetLogRecorder } from "./recorder.ts";

/** The recorder and the file writer, loaded with the first `startLogging()` (`_engine.ts`). */
const engine = onFirstUse("the net log's recorder", () => import("./_engine.ts"));

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
  #clock: (() => NetLogClock) | null;
  #active:
    | { recorder: NetLogRecorder; writer: NetLogFileWriter; full: Promise<void> | null }
    | null = null;
  #starting: Promise<void> | null = null;

  /** Made by the net-log plugin. */
  constructor(
    ctx: PluginContext,
    open: OpenTextFile | null,
    clientInfo: () => NetLogClientInfo,
    clock: (() => NetLogClock) | null = null,
  ) {
    this.#ctx = ctx;
    this.#open = open;
    this.#clientInfo = clientInfo;
    this.#clock = clock;
  }

  /**
   * Whether a net log is running: true from `startLogging()` until `stopLogging()`, as in Electron
   * (also once `maxFileSize` has ended the recording: the file is complete, the log not stopped).
   */
  get currentlyLogging(): boolean {
    return this.#active !== null || this.#starting !== null;
  }

  /**
   * Starts recording the session's network events to `path`; resolves when recording has begun.
   * As Electron's, throws (synchronously) a TypeError for a bad path or option and while a log is
   * running ("There is already a net log running"); rejects when the file cannot be created, with
   * Chromium's file error first ("FILE_ERROR_NOT_FOUND: ..." for a folder that does not exist).
   */
  startLogging(path: string, options: StartLoggingOptions = {}): Promise<void> {
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        "netLog.startLogging: The first parameter must be a valid string (a non-empty path)",
      );
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("netLog.startLogging: options must be an object");
    }
    const mode = options.captureMode ?? "default";
    if (!MODES.includes(mode)) {
      throw new TypeError(
        `netLog.startLogging: Invalid value for captureMode: must be "default", "includeSensitive" or "everything", not ${
          JSON.stringify(mode)
        }`,
      );
    }
    const max = options.maxFileSize;
    if (max !== undefined && !(typeof max === "number" && max > 0 && Number.isFinite(max))) {
      throw new TypeError(
        "netLog.startLogging: Invalid value for maxFileSize: must be a positive number of bytes",
      );
    }
    if (this.currentlyLogging) {
      throw new TypeError("netLog.startLogging: There is already a net log running");
    }
    const open = this.#open;
    if (open === null) {
      return Promise.reject(
        new Error(
          "netLog.startLogging: this runtime has no file system to write a net log to (Deno and Bun have)",
        ),
      );
    }
    const starting = this.#start(open, path, mode, max).finally(() => {
      this.#starting = null;
    });
    this.#starting = starting;
    return starting;
  }

  async #start(
    open: OpenTextFile,
    path: string,
    mode: NetLogCaptureMode,
    max: number | undefined,
  ): Promise<void> {
    const {
      fileOpenError,
      netLogConstants,
      NetLogFileWriter,
      NetLogRecorder,
      performanceClock,
      startFormatter,
    } = await engine();
    let file;
    try {
      file = await open(path);
    } catch (error) {
      throw fileOpenError(path, error);
    }
    const clock = (this.#clock ?? performanceClock)();
    const constants = netLogConstants({
      captureMode: mode,
      timeTickOffset: clock.offset,
      clientInfo: this.#clientInfo(),
    });
    const writer = new NetLogFileWriter(file, constants, {
      mode,
      maxFileSize: max ?? null,
      onFull: () => this.#full(),
      // Without a limit, events become JSON in a Worker, off the requests' thread.
      formatter: max === undefined ? await startFormatter(mode) : undefined,
    });
    const recorder = new NetLogRecorder(this.#ctx, mode, clock, writer);
    this.#active = { recorder, writer, full: null };
  }

  /** maxFileSize reached: the recording ends and the file is completed; the log runs on. */
  #full(): void {
    const active = this.#active;
    if (active === null || active.full !== null) return;
    active.recorder.stop();
    active.full = active.writer.finish();
    active.full.catch((error) => this.#ctx.report(error, "netLog"));
  }

  /**
   * Stops recording; resolves when the file is complete on disk. Rejects with "No net log in
   * progress" when no log is running, as Electron's.
   */
  stopLogging(): Promise<void> {
    const starting = this.#starting;
    if (starting !== null) return starting.then(() => this.stopLogging());
    const active = this.#active;
    if (active === null) {
      return Promise.reject(new Error("netLog.stopLogging: No net log in progress"));
    }
    this.#active = null;
    if (active.full !== null) return active.full;
    active.recorder.stop();
    return active.writer.finish();
  }
}
