/**
 * request-logger: logs every request of the session as a HAR 1.2 entry (method, URL and headers
 * as sent, status and headers as received, timings), readable at any time with
 * `ses.requestLogger.har()` and saved with `JSON.stringify` where the app wants it.
 *
 * @module
 */
import { definePlugin, type PipelineRequest } from "websession";
import manifest from "./manifest.json" with { type: "json" };
import { type Har, type HarEntry, harHeaders } from "./har.ts";

export type { Har, HarEntry } from "./har.ts";

/** The member this plugin adds to a session (`ses.requestLogger`). */
export interface RequestLoggerMembers {
  /** The log. */
  readonly requestLogger: {
    /** The log as HAR 1.2 (a copy). */
    har(): Har;
    /** How many requests are logged. */
    readonly size: number;
    /** Forgets every entry. */
    clear(): void;
  };
}

/** At most this many entries are kept; the oldest go first. */
const LIMIT = 10_000;

/** The plugin: `session.fromPartition("x", { plugins: [requestLogger] })`. */
const requestLogger = definePlugin<RequestLoggerMembers>({
  manifest,
  setup(ctx) {
    const entries: HarEntry[] = [];
    const open = new Map<number, { entry: HarEntry; started: number; firstByte?: number }>();
    const begin = (request: PipelineRequest) => {
      const started = performance.now();
      const entry: HarEntry = {
        startedDateTime: new Date().toISOString(),
        time: 0,
        request: {
          method: request.method,
          url: request.url,
          httpVersion: "HTTP/1.1",
          headers: harHeaders(request.headers),
        },
        response: { status: 0, statusText: "", headers: [] },
        timings: { send: -1, wait: -1, receive: -1 },
      };
      open.set(request.id, { entry, started });
      entries.push(entry);
      if (entries.length > LIMIT) entries.shift();
    };
    const end = (request: PipelineRequest) => {
      const state = open.get(request.id);
      if (!state) return;
      open.delete(request.id);
      const now = performance.now();
      state.entry.time = Math.round(now - state.started);
      if (state.firstByte !== undefined) {
        state.entry.timings.wait = Math.round(state.firstByte - state.started);
        state.entry.timings.receive = Math.round(now - state.firstByte);
      }
    };
    ctx.tap("sendHeaders", begin, { order: "post" });
    ctx.tap("responseStarted", (request, response) => {
      const state = open.get(request.id);
      if (!state) return;
      state.firstByte = performance.now();
      state.entry.response = {
        status: response.status,
        statusText: response.statusText,
        headers: harHeaders(response.headers),
      };
    });
    ctx.tap("completed", end);
    ctx.tap("errorOccurred", (request, error) => {
      const state = open.get(request.id);
      if (state) state.entry.response._error = error.code;
      end(request);
    });
    ctx.provide({
      requestLogger: {
        har: (): Har => ({
          log: {
            version: "1.2",
            creator: { name: ctx.manifest.name, version: ctx.manifest.version },
            entries: structuredClone(entries),
          },
        }),
        get size() {
          return entries.length;
        },
        clear() {
          entries.length = 0;
        },
      },
    });
  },
});
export default requestLogger;
