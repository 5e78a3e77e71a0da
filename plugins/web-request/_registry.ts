/**
 * The listeners of one session's webRequest (both surfaces): each listener is a pipeline tap of
 * its own, so the kernel's blocking-merge combines their answers and reports the losers. A
 * request finds the listeners it concerns once per URL through a host index, and each tap's
 * filter is then a set lookup.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { Stage } from "../../kernel/manifest.ts";
import type { NetError } from "../../kernel/errors.ts";
import type { AuthChallenge, PipelineRequest } from "../../kernel/request.ts";
import type { Tap, TapGroup } from "../../kernel/request.ts";
import {
  chromeDetails,
  electronDetails,
  type EventName,
  type StageInfo,
  toHeaders,
  withStackHeaders,
} from "./_details.ts";
import { type CompiledFilter, FilterIndex } from "./listener_filter.ts";
import { Traces } from "./_trace.ts";
import { keepHiddenRequestHeaders, keepHiddenResponseHeaders } from "./_extra_headers.ts";

/** `HTTP/1.1 404 Not Found`: the code and the reason phrase of Electron's `statusLine` answer. */
const STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s+(.*))?$/;
/**
 * The pipeline stage of each event.
 *
 * @example
 * ```ts
 * STAGE_OF.onCompleted; // "completed"
 * ```
 */
export const STAGE_OF: Readonly<Record<EventName, Stage>> = {
  onBeforeRequest: "beforeRequest",
  onBeforeSendHeaders: "beforeSendHeaders",
  onSendHeaders: "sendHeaders",
  onHeadersReceived: "headersReceived",
  onAuthRequired: "authRequired",
  onBeforeRedirect: "beforeRedirect",
  onResponseStarted: "responseStarted",
  onCompleted: "completed",
  onErrorOccurred: "errorOccurred",
};

/**
 * Events whose listeners may change the request.
 *
 * @example
 * ```ts
 * BLOCKING_EVENTS.has("onCompleted"); // false
 * ```
 */
export const BLOCKING_EVENTS: ReadonlySet<EventName> = new Set([
  "onBeforeRequest",
  "onBeforeSendHeaders",
  "onHeadersReceived",
  "onAuthRequired",
]);

/** One registered listener. */
export interface Entry {
  /** Unique in the session. */
  readonly id: number;
  /** The event. */
  readonly event: EventName;
  /** `electron` (callback answers) or `chrome` (returned BlockingResponse). */
  readonly surface: "electron" | "chrome";
  /** The caller (scope) that installed it. */
  readonly scope: string;
  /** The listener. */
  readonly fn: (...args: never[]) => unknown;
  /** Its filter. */
  readonly filter: CompiledFilter;
  /** Whether it may change the request (`blocking`/`asyncBlocking`, or Electron's blocking events). */
  readonly blocking: boolean;
  /** Chrome's extraInfoSpec. */
  readonly extra: ReadonlySet<string>;
  /** The tap's label, as traces and conflict reports name the listener. */
  readonly label: string;
  /** Its tap in the stage's group. */
  tap: Tap | null;
}

/** What a new listener is. */
export type EntrySpec = Omit<Entry, "id" | "label" | "tap">;

const MATCHED = Symbol("web-request listeners");

/** The stages a `data:` or `file:` request skips (no headers sent, no network response). */
const SKIPPED_BY_LOCAL: ReadonlySet<Stage> = new Set<Stage>([
  "beforeSendHeaders",
  "sendHeaders",
  "headersReceived",
  "authRequired",
  "beforeRedirect",
]);

type Answer = Record<string, unknown> | undefined;
/** How a listener settled: its answer, or what it threw or rejected with. */
type Settled = { answer: unknown; failed?: undefined; error?: undefined } | {
  error: unknown;
  failed: true;
  answer?: undefined;
};

/**
 * The listeners of one session.
 *
 * @example
 * ```ts
 * // new ListenerRegistry(ctx, (request) => false)
 * ```
 */
export class ListenerRegistry {
  readonly #ctx: PluginContext;
  readonly #skipBeforeRequest: (request: PipelineRequest) => boolean;
  /** Other plugins' declarative rules (an extension's) that block or redirect a hop. */
  readonly #declarativeSources = new Set<(request: PipelineRequest) => boolean>();
  readonly #index = new FilterIndex<Entry>();
  readonly #entries = new Set<Entry>();
  #version = 0;
  #nextId = 0;
  /** How long a blocking listener may take before the request goes on without it (ms). */
  timeout = 10_000;
  /** What each listener asked, per request. */
  readonly traces: Traces = new Traces();

  /** Told when listeners come or go. */
  onChange: () => void = () => {};

  /** `skipBeforeRequest` says when declarative rules already blocked or redirected a hop. */
  constructor(ctx: PluginContext, skipBeforeRequest: (request: PipelineRequest) => boolean) {
    this.#ctx = ctx;
    this.#skipBeforeRequest = skipBeforeRequest;
  }

  /**
   * Adds another plugin's declarative rules: when `actsOn` says they block or redirect a hop, no
   * `onBeforeRequest` listener hears it, as Chrome evaluates every extension's rules first.
   * Returns the function that removes it.
   */
  addDeclarativeSource(actsOn: (request: PipelineRequest) => boolean): () => void {
    this.#declarativeSources.add(actsOn);
    return () => this.#declarativeSources.delete(actsOn);
  }

  /** How many listeners there are. */
  get size(): number {
    return this.#entries.size;
  }

  /** Every listener, in install order. */
  entries(): Entry[] {
    return [...this.#entries];
  }

  /** Installs a listener as a tap of its stage; the most recent one wins conflicts. */
  add(spec: EntrySpec): Entry {
    const id = ++this.#nextId;
    const entry: Entry = {
      ...spec,
      id,
      label: `${spec.scope}.${spec.surface === "chrome" ? "events." : ""}${spec.event}#${id}`,
      tap: null,
    };
    const stage = STAGE_OF[spec.event];
    const group = this.#groupOf(stage);
    entry.tap = group.group.add(this.#handler(entry) as never, entry.label);
    group.count++;
    this.#entries.add(entry);
    this.#index.add(entry, entry.filter);
    this.invalidate();
    this.onChange();
    return entry;
  }

  /** Removes a listener. */
  remove(entry: Entry): void {
    if (!this.#entries.delete(entry)) return;
    const stage = STAGE_OF[entry.event];
    const group = this.#groups.get(stage)!;
    if (--group.count === 0) {
      group.group.remove();
      this.#groups.delete(stage);
    }
    this.#index.delete(entry);
    this.invalidate();
    this.onChange();
  }

  /** Forgets the cached listener matches (Chrome's handlerBehaviorChanged). */
  invalidate(): void {
    this.#version++;
  }

  /**
   * One tap group per stage holds the listeners' taps: per request the pipeline asks it which
   * listeners match (found once through the host index) instead of calling a filter per listener.
   */
  readonly #groups = new Map<Stage, { group: TapGroup; count: number }>();

  #groupOf(stage: Stage): { group: TapGroup; count: number } {
    let group = this.#groups.get(stage);
    if (!group) {
      group = {
        group: this.#ctx.tapGroup(stage, (request) => this.#select(stage, request), {
          label: "webRequest listeners",
        }),
        count: 0,
      };
      this.#groups.set(stage, group);
    }
    return group;
  }

  #select(stage: Stage, request: PipelineRequest): Tap[] {
    if (stage === "beforeRequest" && this.#declared(request)) return [];
    // Chrome: data: and file: requests go from onBeforeRequest straight to onResponseStarted.
    if (SKIPPED_BY_LOCAL.has(stage)) {
      const scheme = request.urlParts.scheme;
      if (scheme === "data" || scheme === "file") return [];
    }
    const out: Tap[] = [];
    for (const entry of this.#matching(request)) {
      if (entry.tap !== null && entry.tap.stage === stage) out.push(entry.tap);
    }
    if (out.length > 1) out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  /** Whether declarative rules (the session's or another plugin's) block or redirect the hop. */
  #declared(request: PipelineRequest): boolean {
    if (this.#skipBeforeRequest(request)) return true;
    for (const actsOn of this.#declarativeSources) if (actsOn(request)) return true;
    return false;
  }

  #matching(request: PipelineRequest): Set<Entry> {
    let cached = request.data.get(MATCHED) as
      | { url: string; version: number; set: Set<Entry> }
      | undefined;
    if (!cached || cached.url !== request.url || cached.version !== this.#version) {
      cached = {
        url: request.url,
        version: this.#version,
        set: this.#index.matching(request.url, request.resourceType, request.urlParts),
      };
      request.data.set(MATCHED, cached);
    }
    return cached.set;
  }

  #details(entry: Entry, request: PipelineRequest, info: StageInfo): Record<string, unknown> {
    const now = this.#ctx.session.now();
    return entry.surface === "electron"
      ? electronDetails(entry.event, request, info, now)
      : chromeDetails(entry.event, request, info, entry.extra, now);
  }

  #handler(entry: Entry): (request: PipelineRequest, ...args: unknown[]) => unknown {
    const info = (args: unknown[]): StageInfo => {
      switch (entry.event) {
        case "onHeadersReceived":
        case "onResponseStarted":
        case "onCompleted":
          return { response: args[0] as Response };
        case "onAuthRequired":
          return { response: args[0] as Response, challenge: args[1] as AuthChallenge };
        case "onBeforeRedirect":
          return { response: args[0] as Response, redirectUrl: args[1] as string };
        case "onErrorOccurred":
          return { error: args[0] as NetError };
        default:
          return {};
      }
    };
    if (!entry.blocking) {
      // Observers: called, never waited for.
      return (request, ...args) => {
        const result = (entry.fn as (d: unknown) => unknown)(
          this.#details(entry, request, info(args)),
        );
        if (result instanceof Promise) {
          result.catch((error) => this.#ctx.report(error, STAGE_OF[entry.event]));
        }
        return undefined;
      };
    }
    if (entry.surface === "electron" || entry.extra.has("asyncBlocking")) {
      return (request, ...args) => {
        const stage = info(args);
        const details = this.#details(entry, request, stage);
        return this.#awaitAnswer(entry, request, stage, (resolve) => {
          (entry.fn as (d: unknown, cb: (a?: unknown) => void) => void)(details, resolve);
        });
      };
    }
    return (request, ...args) => {
      const stage = info(args);
      const result = (entry.fn as (d: unknown) => unknown)(this.#details(entry, request, stage));
      if (result instanceof Promise) {
        return this.#awaitAnswer(
          entry,
          request,
          stage,
          (resolve, reject) => result.then(resolve, reject),
        );
      }
      return this.#convert(entry, request, stage, result);
    };
  }

  /**
   * A listener's answer: the answer itself when the listener answered (or threw) before returning,
   * as most do, so no promise, timer or abort listener is made and the stage goes on in the same
   * tick; else a promise of it, cut off after the timeout or when the request is aborted.
   */
  #awaitAnswer(
    entry: Entry,
    request: PipelineRequest,
    stage: StageInfo,
    start: (resolve: (answer?: unknown) => void, reject: (error: unknown) => void) => void,
  ): unknown {
    let early: Settled | null = null;
    let late: ((settled: Settled) => void) | null = null;
    const settle = (settled: Settled) => {
      if (late !== null) late(settled);
      else early ??= settled;
    };
    try {
      start((answer) => settle({ answer }), (error) => settle({ error, failed: true }));
    } catch (error) {
      settle({ error, failed: true });
    }
    const now = early as Settled | null; // set by the callback, if it was called already
    if (now !== null) {
      if (now.failed) throw now.error;
      return this.#convert(entry, request, stage, now.answer);
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = () => finish(() => resolve(undefined));
      const timer = setTimeout(() => {
        finish(() => {
          const stage = STAGE_OF[entry.event];
          const message = `Listener ${entry.label} did not answer within ${this.timeout} ms`;
          this.traces.add(request.id, {
            stage,
            by: entry.label,
            plugin: this.#ctx.manifest.name,
            applied: false,
            error: message,
          });
          this.#ctx.report(new Error(message), stage);
          resolve(undefined);
        });
      }, this.timeout);
      request.signal.addEventListener("abort", onAbort);
      late = (outcome) =>
        finish(() => {
          if (outcome.failed) return reject(outcome.error);
          try {
            resolve(this.#convert(entry, request, stage, outcome.answer));
          } catch (error) {
            reject(error);
          }
        });
    });
  }

  /** Turns a listener's answer into what the pipeline merges. */
  #convert(
    entry: Entry,
    request: PipelineRequest,
    stage: StageInfo,
    raw: unknown,
  ): Answer | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== "object") {
      throw new TypeError(`${entry.label} answered ${typeof raw}; expected an object`);
    }
    const a = raw as Record<string, unknown>;
    if (entry.event === "onAuthRequired") {
      if (a.cancel === true) return { cancel: true };
      const c = a.authCredentials as { username?: unknown; password?: unknown } | undefined;
      if (c && typeof c.username === "string" && typeof c.password === "string") {
        return { username: c.username, password: c.password };
      }
      return undefined;
    }
    const out: Record<string, unknown> = {};
    if (a.cancel === true) out.cancel = true;
    const redirect = entry.surface === "electron" ? a.redirectURL : a.redirectUrl;
    if (
      typeof redirect === "string" &&
      (entry.event === "onBeforeRequest" ||
        (entry.event === "onHeadersReceived" && entry.surface === "chrome"))
    ) out.redirectUrl = redirect;
    const invalid = (message: string) => {
      const stage = STAGE_OF[entry.event];
      this.traces.add(request.id, {
        stage,
        by: entry.label,
        plugin: this.#ctx.manifest.name,
        applied: false,
        error: message,
      });
      this.#ctx.report(new TypeError(message), stage);
    };
    if (entry.event === "onBeforeSendHeaders" && a.requestHeaders != null) {
      const answer = toHeaders(
        a.requestHeaders,
        `${entry.label}: requestHeaders`,
        "request",
        invalid,
      );
      out.requestHeaders = withStackHeaders(
        this.#keepHidden(entry, answer, request.headers),
        request,
      );
    }
    if (entry.event === "onHeadersReceived" && a.responseHeaders != null) {
      const answer = toHeaders(
        a.responseHeaders,
        `${entry.label}: responseHeaders`,
        "response",
        invalid,
      );
      out.responseHeaders = this.#keepHidden(entry, answer, stage.response?.headers);
      // Electron: the status line replaces the status only with responseHeaders.
      const line = entry.surface === "electron" && typeof a.statusLine === "string"
        ? STATUS_LINE.exec(a.statusLine)
        : null;
      if (line && Number(line[1]) >= 200 && Number(line[1]) <= 599) {
        out.statusCode = Number(line[1]);
        out.statusText = line[2] ?? "";
      } else if (entry.surface === "electron" && a.statusLine !== undefined) {
        invalid(`${entry.label}: statusLine ${JSON.stringify(a.statusLine)} ignored`);
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  /**
   * A Chrome listener without `extraHeaders` neither saw nor may change Chrome's hidden headers:
   * the request's (or response's) own come back in its answer. Electron's listeners saw them all.
   */
  #keepHidden(entry: Entry, answer: Headers, original: Headers | undefined): Headers {
    if (entry.surface === "electron" || entry.extra.has("extraHeaders") || !original) {
      return answer;
    }
    return entry.event === "onBeforeSendHeaders"
      ? keepHiddenRequestHeaders(answer, original)
      : keepHiddenResponseHeaders(answer, original);
  }
}
