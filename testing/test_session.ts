/**
 * A session for plugin tests: only the plugins under test (plus the preset plugins you choose), on
 * a fresh in-memory partition, with a log of every request it made: the URL, the headers sent,
 * the outcome and the decisions of every plugin's taps (the same records `webRequest.explain`
 * reads).
 *
 * @module
 */
import { type AnyPlugin, type Decision, definePlugin, type MembersOf, session } from "../mod.ts";
import type { NetError, PipelineRequest, Session } from "../mod.ts";

/** What happened to one request of a test session. */
export interface LoggedRequest {
  /** The pipeline's request id. */
  id: number;
  /** The method. */
  method: string;
  /** The URL as sent (after redirects by taps). */
  url: string;
  /** The request headers as sent (after every tap). */
  requestHeaders: Record<string, string>;
  /** The response status, once the response started. */
  status?: number;
  /** Whether the response body was received completely. */
  completed: boolean;
  /** The `net::ERR_*` code, when it failed. */
  error?: string;
  /** What each tap answered, in the order they ran. */
  decisions: Decision[];
}

/** The request log of a test session. */
export interface RequestLog {
  /** Every request so far, oldest first. */
  readonly all: readonly LoggedRequest[];
  /** The most recent request (throws, saying so, when there is none). */
  last(): LoggedRequest;
  /** The requests whose URL starts with `prefix`. */
  to(prefix: string): LoggedRequest[];
  /** The decisions of one plugin (and stage), across every request. */
  decisionsOf(plugin: string, stage?: Decision["stage"]): Decision[];
  /** Forgets what was logged. */
  clear(): void;
}

/** Options of {@link testSession}. */
export interface TestSessionOptions<R extends readonly AnyPlugin[] = readonly AnyPlugin[]> {
  /** Preset plugins to build the session with too (default: none). */
  preset?: R;
  /** The partition (default: a fresh in-memory one per call). */
  partition?: string;
}

/** What {@link testSession} returns. */
export interface TestSession<
  P extends readonly AnyPlugin[],
  R extends readonly AnyPlugin[] = [],
> {
  /** The session, typed with the members of `plugins` and of `options.preset`. */
  ses: Session & MembersOf<P> & MembersOf<R>;
  /** Its request log. */
  log: RequestLog;
  /** Closes the session (tears its plugins down). */
  close(): Promise<void>;
}

let counter = 0;

function recorder(entries: Map<number, LoggedRequest>, order: LoggedRequest[]) {
  const entryOf = (request: PipelineRequest): LoggedRequest => {
    let entry = entries.get(request.id);
    if (!entry) {
      entry = {
        id: request.id,
        method: request.method,
        url: request.url,
        requestHeaders: {},
        completed: false,
        decisions: [],
      };
      entries.set(request.id, entry);
      order.push(entry);
    }
    return entry;
  };
  return definePlugin({
    manifest: {
      name: "testing-request-log",
      version: "1.0.0",
      description: "websession/testing: logs each request's headers, outcome and decisions",
      hooks: ["sendHeaders", "responseStarted", "completed", "errorOccurred"],
    },
    setup(ctx) {
      // Decisions of the stages before sendHeaders wait here until their request is logged.
      const pending: Decision[] = [];
      const off = ctx.session.pipeline.onDecision((decision) => {
        const entry = entries.get(decision.requestId);
        if (entry) entry.decisions.push(decision);
        else pending.push(decision);
      });
      const claim = (entry: LoggedRequest) => {
        for (let i = pending.length - 1; i >= 0; i--) {
          if (pending[i].requestId === entry.id) entry.decisions.unshift(pending.splice(i, 1)[0]);
        }
      };
      ctx.tap("sendHeaders", (request) => {
        const entry = entryOf(request);
        claim(entry);
        entry.method = request.method;
        entry.url = request.url;
        entry.requestHeaders = Object.fromEntries(request.headers);
      }, { order: "post" });
      ctx.tap("responseStarted", (request, response) => {
        const entry = entryOf(request);
        claim(entry);
        entry.status = response.status;
      }, { order: "post" });
      ctx.tap("completed", (request, response) => {
        const entry = entryOf(request);
        claim(entry);
        entry.status = response.status;
        entry.completed = true;
      }, { order: "post" });
      ctx.tap("errorOccurred", (request, error: NetError) => {
        const entry = entryOf(request);
        claim(entry);
        entry.error = error.code;
      }, { order: "post" });
      ctx.onTeardown(off);
    },
  });
}

/**
 * Builds a session with only `plugins` (and `options.preset`), on a fresh in-memory partition,
 * and logs every request it makes.
 *
 * @example
 * ```ts
 * import { definePlugin } from "../mod.ts";
 * import { originServer, testSession } from "./mod.ts";
 * const stamp = definePlugin({
 *   manifest: { name: "stamp", version: "1.0.0", hooks: ["beforeSendHeaders"] },
 *   setup(ctx) {
 *     ctx.tap("beforeSendHeaders", (request) => {
 *       const headers = new Headers(request.headers);
 *       headers.set("x-stamp", "1");
 *       return { requestHeaders: headers };
 *     });
 *   },
 * });
 * const origin = await originServer();
 * const { ses, log, close } = testSession([stamp]);
 * await (await ses.fetch(origin.url)).text();
 * origin.last().headers["x-stamp"]; // "1"
 * log.last().decisions[0].plugin; // "stamp"
 * await close();
 * await origin.close();
 * ```
 */
export function testSession<
  const P extends readonly AnyPlugin[],
  const R extends readonly AnyPlugin[] = [],
>(
  plugins: P,
  options: TestSessionOptions<R> = {},
): TestSession<P, R> {
  if (!Array.isArray(plugins)) {
    throw new TypeError("testSession: plugins must be an array of plugins (definePlugin(...))");
  }
  const entries = new Map<number, LoggedRequest>();
  const order: LoggedRequest[] = [];
  const partition = options.partition ?? `websession-testing-${++counter}-${Date.now()}`;
  const ses = session.fromPartition(partition, {
    preset: [...(options.preset ?? [])],
    plugins: [...plugins, recorder(entries, order)],
  }) as unknown as Session & MembersOf<P> & MembersOf<R>;
  const log: RequestLog = {
    all: order,
    last() {
      const entry = order.at(-1);
      if (!entry) throw new Error(`testSession "${partition}" made no request`);
      return entry;
    },
    to: (prefix) => order.filter((entry) => entry.url.startsWith(prefix)),
    decisionsOf: (plugin, stage) =>
      order.flatMap((entry) =>
        entry.decisions.filter((d) => d.plugin === plugin && (!stage || d.stage === stage))
      ),
    clear() {
      order.length = 0;
      entries.clear();
    },
  };
  return { ses, log, close: () => session.closePartition(partition) };
}
