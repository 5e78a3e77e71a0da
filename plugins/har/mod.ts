/**
 * The har plugin: `ses.har.record(options)` records every request of the session as HAR 1.2
 * (`stop()` returns it and writes it to `path`), `ses.har.replay(har | path, options)` answers
 * matching requests from a HAR, as Playwright's `recordHar` and `routeFromHAR` do. HAR files and
 * attached bodies go through the `files` the entry hands over (Deno and Bun: `node:fs`).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("har-doc");
 * const recorder = ses.har.record({ path: "/tmp/session.har", content: "embed" });
 * await ses.fetch("https://example.com/");
 * const har = await recorder.stop();
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { HarRecorder, type HarRecordOptions } from "./har_recorder.ts";
import { type HarReplay, type HarReplayOptions, replayHar } from "./har_replayer.ts";
import type { Har, HarFiles } from "./har_types.ts";

export type * from "../../kernel/mod.ts";
export type * from "./har_types.ts";
export { HarRecorder } from "./har_recorder.ts";
export type { HarRecordOptions } from "./har_recorder.ts";
export { replayHar } from "./har_replayer.ts";
export type { HarReplay, HarReplayOptions } from "./har_replayer.ts";
export { urlMatcher, type UrlPattern } from "./url_pattern.ts";
export { decodeBody, encodeBody } from "./body_text.ts";

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
        replay: (source, replayOptions = {}) => replayHar(ctx, source, replayOptions, files),
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
