/**
 * What a session does, as NetLog events: the recorder taps the pipeline's stages while logging
 * and turns each request into a `URL_REQUEST` source whose events follow Chromium's order
 * (`REQUEST_ALIVE`, `NETWORK_DELEGATE_BEFORE_URL_REQUEST`, `URL_REQUEST_START_JOB`,
 * `HTTP_TRANSACTION_SEND_REQUEST_HEADERS`, `HTTP_TRANSACTION_READ_RESPONSE_HEADERS`,
 * `URL_REQUEST_REDIRECTED`, ...). Taps' decisions (webRequest listeners, declarative rules, any
 * plugin that cancels, redirects or changes headers) become `DELEGATE_INFO` events, and the
 * cookie store's changes `COOKIE_STORE_*` events.
 *
 * A request that goes the common way (no redirect, challenge, error, body, tunnel or decision) is
 * kept as one {@linkcode RequestRecord} (stage times, the strings it holds, header pairs) and
 * written once, at `responseStarted`: its events are made from the record's steps when the buffer
 * becomes JSON, in the formatting Worker. On any other turn its record is written as far as it
 * got and the request goes on event by event.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { NetError } from "../../kernel/errors.ts";
import type { Decision } from "../../kernel/request.ts";
import {
  NET_LOG_SINK,
  type NetLogSink,
  type NetLogSourceRef,
  setSessionNetLog,
} from "../../kernel/net_log/sink.ts";
import {
  EVENT_TYPE_IDS,
  NET_LOG_PHASES,
  type NetLogCaptureMode,
  type NetLogEventType,
  type NetLogSourceType,
  SOURCE_TYPE_IDS,
} from "./constants.ts";
import { headerLines } from "./sensitive_headers.ts";
import type { NetLogClock } from "./clock.ts";
import { type SinkOwner, type SinkPhase, SourceSink } from "./source_sink.ts";
import {
  base64,
  cookieChangeParams,
  type CookieLike,
  hasHost,
  hostHeader,
  onCookieChange,
  storedCookieStatus,
  summarise,
} from "./recorded_values.ts";
import type { NetLogEventSink } from "./event_sink.ts";
import { headerPairs, openAfter, RequestRecord, STAGE, type Stage } from "./request_record.ts";

interface Source {
  id: number;
  type: number;
  start: number;
  ref: NetLogSourceRef;
  open: Set<string>;
  /** Cookies stored while its headers-received delegate runs (made on first use). */
  afterHeaders: Record<string, unknown>[] | null;
  /** Its sink for other parts of websession, made on first use. */
  sink: NetLogSink | null;
  /** A request whose send events wait for its connection. */
  sending: PipelineRequest | null;
  /** A request on its common way: what it did so far, its events not written yet. */
  record: RequestRecord | null;
  /** A request's job controller while the request's record holds its events: that request. */
  parent: Source | null;
  /** Such a request's job controller. */
  controller: Source | null;
}

type Phase = SinkPhase;

const SOURCE = Symbol("net-log: the request's source");

export { type NetLogClock, performanceClock } from "./clock.ts";
export type { NetLogEvent, NetLogEventSink } from "./event_sink.ts";

/** Records a session's pipeline as NetLog events until `stop()`. */
export class NetLogRecorder implements SinkOwner<Source> {
  #sink: NetLogEventSink;
  #mode: NetLogCaptureMode;
  #clock: NetLogClock;
  #nextId = 1;
  #stops: (() => void)[] = [];
  #bySourceRequest = new Map<number, Source>();
  #cookieStore: Source | null = null;
  /** Cookies stored since the last microtask: a `settled` headersReceived tap claims them. */
  #stored: Record<string, unknown>[] = [];
  #traced: boolean;
  #now = 0;
  #stopped = false;
  #session: object;
  /** Whether requests on their common way are kept as records (the sink takes them). */
  #records: boolean;

  /** Starts recording `ctx`'s session. */
  constructor(
    ctx: PluginContext,
    mode: NetLogCaptureMode,
    clock: NetLogClock,
    sink: NetLogEventSink,
  ) {
    this.#sink = sink;
    this.#mode = mode;
    this.#clock = clock;
    this.#traced = mode === "everything";
    this.#records = sink.addRecord !== undefined;
    this.#session = ctx.session;
    this.#install(ctx);
    this.#now = clock.now();
    setSessionNetLog(this.#session, this.#sinkOf(this.#newSource("NONE")));
  }

  /** Removes the taps and listeners; requests in flight are ended as `CANCELLED`. */
  stop(): void {
    this.#stopped = true;
    setSessionNetLog(this.#session, null);
    this.#now = this.#clock.now();
    for (const stop of this.#stops) stop();
    this.#stops = [];
    for (const source of this.#bySourceRequest.values()) {
      this.#materialise(source);
      if (source.sending !== null) this.#sent(source, source.sending);
      this.#event(source, "CANCELLED", "PHASE_NONE");
      this.#closeAll(source, null);
    }
    this.#bySourceRequest.clear();
    if (this.#cookieStore) this.#end(this.#cookieStore, "COOKIE_STORE_ALIVE");
  }

  #install(ctx: PluginContext): void {
    // Every event of one tap call gets the time read once at its start.
    const tap: PluginContext["tap"] = (stage, fn, options) =>
      ctx.tap(
        stage,
        // Fixed arity (no rest array per call): stages pass at most three arguments.
        ((a: unknown, b: unknown, c: unknown) => {
          this.#now = this.#clock.now();
          return (fn as (a: unknown, b: unknown, c: unknown) => unknown)(a, b, c);
        }) as typeof fn,
        options,
      );
    const pre = { order: "pre" as const, label: "net log" };
    this.#stops.push(
      tap("beforeRequest", (request) => {
        if (this.#records && !this.#bySourceRequest.has(request.id)) {
          // A new request: kept as a record until it leaves the common way.
          const source = this.#newSource("URL_REQUEST");
          source.record = new RequestRecord(source.id, source.start, request.url);
          source.record.reach(STAGE.alive, this.#now);
          this.#track(request, source);
          return;
        }
        const source = this.#sourceOf(request);
        this.#begin(source, "NETWORK_DELEGATE_BEFORE_URL_REQUEST");
      }, pre),
      tap("beforeSendHeaders", (request) => {
        const record = this.#recordAt(request, STAGE.beforeSendHeaders);
        if (record !== null) {
          record.jobUrl = request.url;
          record.method = request.method;
          record.initiator = request.initiator ?? "not an origin";
          record.requestType = request.resourceType;
          record.reach(STAGE.beforeSendHeaders, this.#now);
          return;
        }
        const source = this.#sourceOf(request);
        this.#end(source, "NETWORK_DELEGATE_BEFORE_URL_REQUEST");
        if (!source.open.has("URL_REQUEST_START_JOB")) {
          this.#begin(source, "URL_REQUEST_START_JOB", {
            initiator: request.initiator ?? "not an origin",
            load_flags: 0,
            method: request.method,
            request_type: request.resourceType,
            url: request.url,
          });
        }
        this.#begin(source, "NETWORK_DELEGATE_BEFORE_START_TRANSACTION");
      }, pre),
      tap("sendHeaders", (request) => {
        // Written once the connection is there (the proxy plugin says so through the sink's
        // `sending()`, after proxy resolution and any tunnel), or at the request's next event.
        const record = this.#recordAt(request, STAGE.sendHeaders);
        if (record !== null) {
          record.sending = request;
          record.reach(STAGE.sendHeaders, this.#now);
          return;
        }
        const source = this.#sourceOf(request);
        this.#end(source, "NETWORK_DELEGATE_BEFORE_URL_REQUEST");
        this.#end(source, "NETWORK_DELEGATE_BEFORE_START_TRANSACTION");
        source.sending = request;
      }),
      tap("headersReceived", (request, response) => {
        const record = this.#recordAt(request, STAGE.received);
        if (record !== null) {
          record.status = response.status;
          record.statusText = response.statusText;
          record.responsePairs = headerPairs(response.headers);
          record.reach(STAGE.received, this.#now);
          return;
        }
        const source = this.#sourceOf(request);
        const status = `HTTP/1.1 ${response.status} ${response.statusText}`.trimEnd();
        // Header lines are made off the request's path, from the raw pairs.
        this.#headersEvent(
          source,
          "HTTP_TRANSACTION_READ_RESPONSE_HEADERS",
          null,
          status,
          response.headers,
        );
        this.#end(source, "HTTP_TRANSACTION_READ_HEADERS");
        this.#begin(source, "NETWORK_DELEGATE_HEADERS_RECEIVED");
      }, pre),
      // The cookies plugin's settled tap (installed before this one) has just stored the cookies
      // of the response as the answers left it: they belong to this request.
      tap("headersReceived", (request) => {
        if (this.#stored.length === 0) return;
        const source = request.data.get(SOURCE) as Source | undefined;
        if (source === undefined || !this.#bySourceRequest.has(request.id)) return;
        (source.afterHeaders ??= []).push(...this.#stored);
        this.#stored = [];
      }, { order: "settled", label: "net log" }),
      tap("authRequired", (request, _response, challenge) => {
        const source = this.#sourceOf(request);
        this.#end(source, "NETWORK_DELEGATE_HEADERS_RECEIVED");
        this.#event(source, "AUTH_HANDLE_CHALLENGE", "PHASE_NONE", {
          header: `${challenge.scheme} realm="${challenge.realm}"`,
          is_proxy: challenge.isProxy,
          host: `${challenge.host}:${challenge.port}`,
        });
        return undefined;
      }, pre),
      tap("beforeRedirect", (request, response, location) => {
        const source = this.#sourceOf(request);
        this.#end(source, "NETWORK_DELEGATE_HEADERS_RECEIVED");
        this.#begin(source, "URL_REQUEST_DELEGATE_RECEIVED_REDIRECT");
        this.#end(source, "URL_REQUEST_DELEGATE_RECEIVED_REDIRECT");
        const reason = response.headers.get("non-authoritative-reason");
        if (reason !== null && !this.#traced) {
          this.#event(source, "DELEGATE_INFO", "PHASE_NONE", { delegate_info: reason });
        }
        this.#event(source, "URL_REQUEST_REDIRECTED", "PHASE_NONE", { location });
        this.#end(source, "URL_REQUEST_START_JOB");
      }),
      tap("responseStarted", (request) => {
        const record = this.#recordAt(request, STAGE.started);
        if (record !== null) {
          const source = request.data.get(SOURCE) as Source;
          record.reach(STAGE.started, this.#now);
          this.#sink.addRecord!(record, source.afterHeaders);
          source.record = null;
          source.afterHeaders = null;
          this.#bySourceRequest.delete(request.id);
          request.data.delete(NET_LOG_SINK);
          return;
        }
        const source = this.#sourceOf(request);
        this.#end(source, "NETWORK_DELEGATE_HEADERS_RECEIVED");
        this.#end(source, "URL_REQUEST_START_JOB");
        this.#begin(source, "URL_REQUEST_DELEGATE_RESPONSE_STARTED");
        this.#end(source, "URL_REQUEST_DELEGATE_RESPONSE_STARTED");
        // The response goes to the caller here; reading its body is not recorded (a tap on the
        // body's end makes the pipeline watch every body, which halves throughput).
        this.#finished(request, null);
      }),
      tap("errorOccurred", (request, error) => {
        if (!this.#bySourceRequest.has(request.id)) return; // a body failure after the response
        const source = this.#sourceOf(request);
        const blocked = /^net::ERR_BLOCKED_BY_CLIENT: Blocked by (.*)$/s.exec(error.message);
        if (blocked && !this.#traced) {
          this.#event(source, "DELEGATE_INFO", "PHASE_NONE", { delegate_blocked_by: blocked[1] });
        }
        this.#finished(request, error);
      }, { watchBody: false }),
    );
    // Every tap's decision (who changed which header, whose redirect won) in "everything" mode;
    // otherwise cancels and redirects are read from their effects, which costs nothing extra.
    if (this.#traced) {
      this.#stops.push(ctx.session.pipeline.onDecision((decision) => this.#decision(decision)));
    }
    this.#watchCookies(ctx);
  }

  #sent(source: Source, request: PipelineRequest): void {
    source.sending = null;
    this.#begin(source, "HTTP_TRANSACTION_SEND_REQUEST");
    const parts = request.urlParts;
    const target = `${parts.path}${parts.query}`;
    const host = request.headers.has("host") ? null : `Host: ${hostHeader(parts)}`;
    const cookie = request.headers.get("cookie");
    if (cookie !== null) {
      for (const pair of cookie.split(";")) {
        const name = pair.slice(0, pair.includes("=") ? pair.indexOf("=") : 0).trim();
        this.#event(source, "COOKIE_INCLUSION_STATUS", "PHASE_NONE", {
          name,
          operation: "send",
          status: "INCLUDE",
        });
      }
    }
    const line = `${request.method} ${target || "/"} HTTP/1.1\r\n`;
    this.#headersEvent(
      source,
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
      line,
      host,
      request.headers,
    );
    const body = request.body;
    if (body !== null) {
      const params: Record<string, unknown> = {
        did_merge: false,
        is_chunked: body instanceof ReadableStream,
        length: body instanceof Uint8Array ? body.byteLength : 0,
      };
      if (this.#mode === "everything" && body instanceof Uint8Array) {
        params.bytes = base64(body);
      }
      this.#event(source, "HTTP_TRANSACTION_SEND_REQUEST_BODY", "PHASE_NONE", params);
    }
    this.#end(source, "HTTP_TRANSACTION_SEND_REQUEST");
    this.#begin(source, "HTTP_TRANSACTION_READ_HEADERS");
  }

  #finished(request: PipelineRequest, error: NetError | null): void {
    const source = this.#sourceOf(request);
    this.#closeAll(source, error);
    this.#bySourceRequest.delete(request.id);
    request.data.delete(NET_LOG_SINK);
  }

  /** Ends every open event, innermost first; the request's end carries the error. */
  #closeAll(source: Source, error: NetError | null): void {
    const params = error ? { net_error: error.errno } : undefined;
    // Mostly only REQUEST_ALIVE is still open here: no list made then.
    if (source.open.size > 1) {
      for (const name of [...source.open].reverse()) {
        if (name !== "REQUEST_ALIVE") this.#end(source, name as NetLogEventType, params);
      }
    }
    this.#end(source, "REQUEST_ALIVE", params);
  }

  #decision(decision: Decision): void {
    this.#now = this.#clock.now();
    if (decision.result === undefined && decision.error === undefined) return;
    const source = this.#bySourceRequest.get(decision.requestId);
    if (!source) return;
    this.#materialise(source);
    const params: Record<string, unknown> = {
      delegate_blocked_by: `${decision.plugin}: ${decision.label}`,
      stage: decision.stage,
      applied: decision.applied,
    };
    if (decision.result !== undefined) params.result = summarise(decision.result, this.#mode);
    if (decision.winner) params.winner = decision.winner;
    if (decision.error !== undefined) params.error = String(decision.error);
    this.#event(source, "DELEGATE_INFO", "PHASE_NONE", params);
  }

  #watchCookies(ctx: PluginContext): void {
    const listener = (cookie: CookieLike, cause: string, removed: boolean) => {
      this.#now = this.#clock.now();
      if (this.#cookieStore === null) {
        this.#cookieStore = this.#newSource("COOKIE_STORE");
        this.#begin(this.#cookieStore, "COOKIE_STORE_ALIVE");
      }
      if (!removed) {
        // Chromium stores a response's cookies once the headers-received delegate is done; a
        // change no request claims in this turn (ses.cookies.set) is the store's alone.
        if (this.#stored.length === 0) {
          const turn: Record<string, unknown>[] = this.#stored = [];
          queueMicrotask(() => {
            if (this.#stored === turn) this.#stored = [];
          });
        }
        this.#stored.push(storedCookieStatus(cookie));
      }
      this.#event(
        this.#cookieStore,
        removed ? "COOKIE_STORE_COOKIE_DELETED" : "COOKIE_STORE_COOKIE_ADDED",
        "PHASE_NONE",
        cookieChangeParams(cookie, cause, this.#mode),
      );
    };
    const stop = onCookieChange(ctx.session, listener);
    if (stop !== null) this.#stops.push(stop);
  }

  /**
   * The record of `request` when it is on its common way and `stage` is its next stage (a send
   * waiting for its connection done first); otherwise its record (if any) is written as far as it
   * got, and null.
   */
  #recordAt(request: PipelineRequest, stage: Stage): RequestRecord | null {
    const source = request.data.get(SOURCE) as Source | undefined;
    const record = source?.record;
    if (record == null) return null;
    if (stage > STAGE.sent && record.sending !== null) this.#recordSent(record);
    if (record.sending === null && record.stageNext(stage)) return record;
    this.#materialise(source!);
    return null;
  }

  /** A record's send (not for a request with a body: its record is written out instead). */
  #recordSent(record: RequestRecord): void {
    const request = record.sending as PipelineRequest;
    if (request.body !== null || !record.stageNext(STAGE.sent)) return;
    record.sending = null;
    const parts = request.urlParts;
    record.line = `${request.method} ${`${parts.path}${parts.query}` || "/"} HTTP/1.1\r\n`;
    record.requestPairs = headerPairs(request.headers);
    record.host = hasHost(record.requestPairs) ? null : `Host: ${hostHeader(parts)}`;
    record.reach(STAGE.sent, this.#now);
  }

  /**
   * Writes a source's record as far as its request got and goes on with single events: the events
   * its steps left open are open on the request (and its job controller).
   */
  #materialise(source: Source): void {
    const record = source.record;
    if (record === null) return;
    source.record = null;
    this.#sink.addRecord!(record, null);
    const open = openAfter(record.next, record.routed);
    for (const type of open.request) source.open.add(type);
    const controller = source.controller;
    if (controller !== null) {
      controller.parent = null;
      for (const type of open.controller) controller.open.add(type);
    }
    if (record.sending !== null) source.sending = record.sending as PipelineRequest;
  }

  #track(request: PipelineRequest, source: Source): void {
    request.data.set(SOURCE, source);
    request.data.set(NET_LOG_SINK, this.#sinkOf(source));
    this.#bySourceRequest.set(request.id, source);
  }

  #sourceOf(request: PipelineRequest): Source {
    let source = request.data.get(SOURCE) as Source | undefined;
    if (source !== undefined) this.#materialise(source);
    if (source !== undefined && source.sending !== null) this.#sent(source, source.sending);
    if (source === undefined || !this.#bySourceRequest.has(request.id)) {
      source = this.#newSource("URL_REQUEST");
      this.#track(request, source);
      this.#begin(source, "REQUEST_ALIVE", {
        priority: "MEDIUM",
        traffic_annotation: 0,
        url: request.url,
      });
    }
    return source;
  }

  #newSource(type: NetLogSourceType): Source {
    const id = this.#nextId++;
    const start = this.#now;
    const typeId = SOURCE_TYPE_IDS[type];
    return {
      id,
      type: typeId,
      start,
      ref: { id, type: typeId },
      open: new Set(),
      afterHeaders: null,
      sink: null,
      sending: null,
      record: null,
      parent: null,
      controller: null,
    };
  }

  /** The sink of a source: events of other parts, on the clock read at each call. */
  #sinkOf(source: Source): NetLogSink {
    return source.sink ??= new SourceSink(source, source.ref, this);
  }

  /** A sink's event (phase 0, 1 or 2), unless logging stopped or the type is not listed. */
  sinkEvent(source: Source, type: string, phase: Phase, params?: Record<string, unknown>): void {
    if (this.#stopped || !(type in EVENT_TYPE_IDS)) return;
    const owner = source.parent ?? source;
    if (owner.record !== null) {
      const phaseNumber = NET_LOG_PHASES[phase];
      if (owner.record.routeCall(source !== owner, type, phaseNumber, params, this.#clock)) return;
      this.#materialise(owner);
    }
    this.#now = this.#clock.now();
    if (phase === "PHASE_BEGIN") this.#begin(source, type as NetLogEventType, params);
    else if (phase === "PHASE_END") this.#end(source, type as NetLogEventType, params);
    else this.#event(source, type as NetLogEventType, phase, params);
  }

  /** A sink's new source (`from`: the source whose sink asked). */
  sinkSource(type: string, from: Source): NetLogSink {
    const owner = from.parent ?? from;
    const record = owner.record;
    if (record !== null) {
      if (
        from === owner && type === "HTTP_STREAM_JOB_CONTROLLER" && record.expectsController()
      ) {
        // The request's job controller: its events are the record's steps.
        this.#now = record.times[STAGE.route];
        const controller = this.#newSource("HTTP_STREAM_JOB_CONTROLLER");
        controller.parent = owner;
        owner.controller = controller;
        record.controllerId = controller.id;
        record.controllerStart = controller.start;
        return this.#sinkOf(controller);
      }
      this.#materialise(owner);
    }
    this.#now = this.#clock.now();
    const known = (type in SOURCE_TYPE_IDS ? type : "NONE") as NetLogSourceType;
    return this.#sinkOf(this.#newSource(known));
  }

  /** Header lines in the log's capture mode. */
  sinkHeaderLines(headers: Headers): string[] {
    return headerLines(headers, this.#mode);
  }

  /** A request's connection is there: its send events are written now. */
  sinkSending(source: Source): void {
    if (this.#stopped) return;
    const record = source.record;
    if (record !== null && record.sending !== null) {
      this.#now = this.#clock.now();
      this.#recordSent(record);
      if (record.sending === null) return;
    }
    this.#materialise(source);
    if (source.sending === null) return;
    this.#now = this.#clock.now();
    this.#sent(source, source.sending);
  }

  #begin(source: Source, type: NetLogEventType, params?: Record<string, unknown>): void {
    source.open.add(type);
    this.#event(source, type, "PHASE_BEGIN", params);
  }

  #end(source: Source, type: NetLogEventType, params?: Record<string, unknown>): void {
    if (!source.open.delete(type)) return;
    this.#event(source, type, "PHASE_END", params);
    if (type === "NETWORK_DELEGATE_HEADERS_RECEIVED" && source.afterHeaders !== null) {
      const cookies = source.afterHeaders;
      source.afterHeaders = null;
      for (const cookie of cookies) {
        this.#event(source, "COOKIE_INCLUSION_STATUS", "PHASE_NONE", cookie);
      }
    }
  }

  #event(
    source: Source,
    type: NetLogEventType,
    phase: Phase,
    params?: Record<string, unknown>,
  ): void {
    // Numbers only (and the caller's params): the JSON is made later, in a batch, off this path.
    this.#sink.add(
      EVENT_TYPE_IDS[type],
      NET_LOG_PHASES[phase],
      source.id,
      source.type,
      source.start,
      this.#now,
      params,
    );
  }
  #headersEvent(
    source: Source,
    type: NetLogEventType,
    line: string | null,
    first: string | null,
    headers: Headers,
  ): void {
    this.#sink.addHeaders(
      EVENT_TYPE_IDS[type],
      NET_LOG_PHASES.PHASE_NONE,
      source.id,
      source.type,
      source.start,
      this.#now,
      line,
      first,
      headers,
    );
  }
}
