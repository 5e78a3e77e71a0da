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

export type * from "../../kernel/mod.ts";
export type * from "./har_types.ts";
export { HarRecorder } from "./har_recorder.ts";
export type { HarRecordOptions } from "./har_recorder.ts";
export { replayHar } from "./har_replayer.ts";
export type { HarReplay, HarReplayOptions } from "./har_replayer.ts";
export { urlMatcher, type UrlPattern } from "./url_pattern.ts";
export { decodeBody, encodeBody } from "./body_text.ts";
export {
  createHarPlugin,
  type HarApi,
  type HarMembers,
  harPlugin,
  type HarPluginOptions,
} from "./plugin.ts";
