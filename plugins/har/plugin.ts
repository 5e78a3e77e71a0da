/**
 * The har plugin itself ({@linkcode createHarPlugin}), apart from the helpers `mod.ts` also
 * exports: `ses.har.record` starts recording at once (its taps are synchronous), while replaying
 * (`har_replayer.ts`, the entry matcher) loads with the first `ses.har.replay` (cold start, #24).
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import { HarRecorder, type HarRecordOptions } from "./har_recorder.ts";
import type { HarReplay, HarReplayOptions } from "./har_replayer.ts";
import type { Har, HarFiles } from "./har_types.ts";

const replayer = onFirstUse(
  "the HAR replayer (plugins/har/har_replayer.ts)",
  () => import("./har_replayer.ts"),
);

/** `ses.har`. */
export interface HarApi {
  /** Starts recording the session's requests. */
  record(options?: HarRecordOptions): HarRecorder;
  /** Answers matching requests from a HAR (an object, or a file's path). */
  replay(har: Har | string, options?: HarReplayOptions): Promise<HarReplay>;
}

/**
 * The session member the har plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: HarMembers = session.fromPartition("har-members");
 * const recorder = ses.har.record({ content: "omit" });
 * (await recorder.stop()).log.version; // "1.2"
 * ```
 */
export interface HarMembers {
  /** Recording and replaying HAR files. */
  readonly har: HarApi;
}

/** Options of {@linkcode createHarPlugin}. */
export interface HarPluginOptions {
  /** File access (none: HAR objects only, no paths). */
  files?: HarFiles;
}

/**
 * Makes the har plugin with file access.
 *
 * @example
 * ```ts
 * createHarPlugin({}).name; // "har"
 * ```
 */
export function createHarPlugin(options: HarPluginOptions = {}): Plugin<HarMembers> {
  return definePlugin<HarMembers>({
    manifest,
    setup(ctx) {
      const files = options.files ?? null;
      const har: HarApi = {
        record: (recordOptions = {}) => new HarRecorder(ctx, recordOptions, files),
        replay: async (source, replayOptions = {}) =>
          (await replayer()).replayHar(ctx, source, replayOptions, files),
      };
      ctx.provide({ har });
    },
  });
}

/**
 * The har plugin without file access (the browser's).
 *
 * @example
 * ```ts
 * harPlugin.manifest.api; // ["har"]
 * ```
 */
export const harPlugin: Plugin<HarMembers> = createHarPlugin();
