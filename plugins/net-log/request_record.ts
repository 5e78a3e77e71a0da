/**
 * A request's compact record: what the recorder keeps of a request that goes the common way
 * (`beforeRequest`, `beforeSendHeaders`, `sendHeaders`, the proxy route's resolution: DIRECT, or
 * a proxy without a tunnel; the send, the response headers, `responseStarted`), written once as
 * one record (kind 6 in the event buffer) with its stage times as numbers and the strings the
 * request already holds, and turned into Chromium's events ({@linkcode REQUEST_STEPS}, some
 * thirty) only when the buffer becomes JSON: in the formatting Worker, off the requests' thread.
 *
 * A request that leaves the common way (a redirect, an auth challenge, an error, a body, a tunnel,
 * any other event on its source) has its record written as far as it got, and the recorder goes
 * on with single events from there, its open events being those the steps so far leave open
 * ({@linkcode openAfter}). The steps are the one list both sides follow.
 *
 * @module
 */
import { EVENT_TYPE_IDS, type NetLogEventType, SOURCE_TYPE_IDS } from "./constants.ts";
import type { EventHead } from "./event_buffer.ts";

/** The stages of a request's common way, in order; a record says how far its request got. */
export const STAGE = {
  alive: 1,
  beforeSendHeaders: 2,
  sendHeaders: 3,
  route: 4,
  resolved: 5,
  connected: 6,
  sent: 7,
  received: 8,
  started: 9,
} as const;

/** A stage's number. */
export type Stage = typeof STAGE[keyof typeof STAGE];

/**
 * What a step's params are made from.
 *
 * @example
 * ```ts
 * REQUEST_STEPS[0].params === STEP_PARAMS.alive; // true
 * ```
 */
export const STEP_PARAMS = {
  none: 0,
  alive: 1,
  job: 2,
  bound: 3,
  controller: 4,
  pac: 5,
  sendCookies: 6,
  requestHeaders: 7,
  responseHeaders: 8,
  storedCookies: 9,
} as const;
const P = STEP_PARAMS;

/** One step: the stage it belongs to, its source (0 the request, 1 its job controller), its event. */
interface Step {
  stage: Stage;
  controller: boolean;
  type: NetLogEventType;
  phase: 0 | 1 | 2;
  params: number;
}

const step = (
  stage: Stage,
  type: NetLogEventType,
  phase: 0 | 1 | 2,
  params: number = P.none,
  controller = false,
): Step => ({ stage, controller, type, phase, params });

/**
 * The events of a request's common way, in the order the recorder writes them one by one (the
 * route's steps only when the proxy plugin resolved one; the cookie steps one event per cookie).
 *
 * @example
 * ```ts
 * REQUEST_STEPS[0].type; // "REQUEST_ALIVE"
 * ```
 */
export const REQUEST_STEPS: readonly Step[] = [
  step(STAGE.alive, "REQUEST_ALIVE", 1, P.alive),
  step(STAGE.alive, "NETWORK_DELEGATE_BEFORE_URL_REQUEST", 1),
  step(STAGE.beforeSendHeaders, "NETWORK_DELEGATE_BEFORE_URL_REQUEST", 2),
  step(STAGE.beforeSendHeaders, "URL_REQUEST_START_JOB", 1, P.job),
  step(STAGE.beforeSendHeaders, "NETWORK_DELEGATE_BEFORE_START_TRANSACTION", 1),
  step(STAGE.sendHeaders, "NETWORK_DELEGATE_BEFORE_START_TRANSACTION", 2),
  step(STAGE.route, "HTTP_STREAM_REQUEST", 1),
  step(STAGE.route, "HTTP_STREAM_JOB_CONTROLLER_BOUND", 0, P.bound),
  step(STAGE.route, "HTTP_STREAM_JOB_CONTROLLER", 1, P.controller, true),
  step(STAGE.route, "PROXY_RESOLUTION_SERVICE", 1, P.none, true),
  step(STAGE.resolved, "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST", 0, P.pac, true),
  step(STAGE.resolved, "PROXY_RESOLUTION_SERVICE", 2, P.none, true),
  step(STAGE.connected, "HTTP_STREAM_JOB_CONTROLLER", 2, P.none, true),
  step(STAGE.connected, "HTTP_STREAM_REQUEST", 2),
  step(STAGE.sent, "HTTP_TRANSACTION_SEND_REQUEST", 1),
  step(STAGE.sent, "COOKIE_INCLUSION_STATUS", 0, P.sendCookies),
  step(STAGE.sent, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS", 0, P.requestHeaders),
  step(STAGE.sent, "HTTP_TRANSACTION_SEND_REQUEST", 2),
  step(STAGE.sent, "HTTP_TRANSACTION_READ_HEADERS", 1),
  step(STAGE.received, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS", 0, P.responseHeaders),
  step(STAGE.received, "HTTP_TRANSACTION_READ_HEADERS", 2),
  step(STAGE.received, "NETWORK_DELEGATE_HEADERS_RECEIVED", 1),
  step(STAGE.started, "NETWORK_DELEGATE_HEADERS_RECEIVED", 2),
  step(STAGE.started, "COOKIE_INCLUSION_STATUS", 0, P.storedCookies),
  step(STAGE.started, "URL_REQUEST_START_JOB", 2),
  step(STAGE.started, "URL_REQUEST_DELEGATE_RESPONSE_STARTED", 1),
  step(STAGE.started, "URL_REQUEST_DELEGATE_RESPONSE_STARTED", 2),
  step(STAGE.started, "REQUEST_ALIVE", 2),
];

/**
 * The route's steps (the calls through the request's and its job controller's sinks, in order):
 * the first one's index and the index after the last.
 *
 * @example
 * ```ts
 * REQUEST_STEPS[ROUTE_STEPS.first].type; // "HTTP_STREAM_REQUEST"
 * ```
 */
export const ROUTE_STEPS: { readonly first: number; readonly end: number } = {
  first: REQUEST_STEPS.findIndex((s) => s.type === "HTTP_STREAM_REQUEST"),
  end: REQUEST_STEPS.findLastIndex((s) => s.type === "HTTP_STREAM_REQUEST") + 1,
};
const ROUTE_FIRST = ROUTE_STEPS.first;
const ROUTE_END = ROUTE_STEPS.end;

/** What each route step keeps (steps 6-13). */
type RouteStepKind = "route" | "bound" | "controller" | "plain" | "pac" | "connected";
const ROUTE_KINDS: readonly RouteStepKind[] = [
  "route",
  "bound",
  "controller",
  "plain",
  "pac",
  "plain",
  "connected",
  "plain",
];

/** Each stage's first step. */
const FIRST_STEP: readonly number[] = Array.from(
  { length: STAGE.started + 1 },
  (_, stage) => REQUEST_STEPS.findIndex((s) => s.stage === stage),
);

/**
 * The route step a sink call would be next, or -1: `reached` is the index of the next step.
 *
 * @example
 * ```ts
 * routeStep(6, false, "HTTP_STREAM_REQUEST", 1); // 6
 * routeStep(6, true, "HTTP_STREAM_REQUEST", 1); // -1
 * ```
 */
export function routeStep(
  next: number,
  controller: boolean,
  type: string,
  phase: number,
): number {
  if (next < ROUTE_FIRST || next >= ROUTE_END) return -1;
  const expected = REQUEST_STEPS[next];
  return expected.controller === controller && expected.type === type && expected.phase === phase
    ? next
    : -1;
}

/**
 * The event types the steps before `next` leave open on the request and on its controller, in
 * the order they were begun (`routed`: whether the route's steps were taken).
 *
 * @example
 * ```ts
 * openAfter(2, false).request; // ["REQUEST_ALIVE", "NETWORK_DELEGATE_BEFORE_URL_REQUEST"]
 * ```
 */
export function openAfter(
  next: number,
  routed: boolean,
): { request: NetLogEventType[]; controller: NetLogEventType[] } {
  const request = new Set<NetLogEventType>();
  const controller = new Set<NetLogEventType>();
  for (let i = 0; i < next; i++) {
    const s = REQUEST_STEPS[i];
    if (!routed && i >= ROUTE_FIRST && i < ROUTE_END) continue;
    const open = s.controller ? controller : request;
    if (s.phase === 1) open.add(s.type);
    else if (s.phase === 2) open.delete(s.type);
  }
  return { request: [...request], controller: [...controller] };
}

/** What the recorder keeps of one request on its common way. */
export class RequestRecord {
  /** Index of the next step in {@linkcode REQUEST_STEPS}. */
  next = 0;
  /** Whether the proxy plugin resolved a route (its steps are taken). */
  routed = false;
  /** The controller source's id (0: none yet). */
  controllerId = 0;
  /** The controller source's start. */
  controllerStart = 0;
  /** Stage times, on the log's clock, by stage number. */
  readonly times: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  /** The URL it began with (`REQUEST_ALIVE`). */
  url = "";
  /** The URL of its job (`URL_REQUEST_START_JOB`). */
  jobUrl = "";
  /** Its method. */
  method = "";
  /** Its initiator, or "not an origin". */
  initiator = "";
  /** Its resource type. */
  requestType = "";
  /** The URL its job controller resolved a route for. */
  controllerUrl = "";
  /** The route in PAC form (`DIRECT`, `PROXY host:port`...). */
  pac = "";
  /** The request line. */
  line = "";
  /** The Host line fetch adds (null when a Host header is set). */
  host: string | null = null;
  /** Header names and values, in turn, as the capture mode's lines are made of them later. */
  requestPairs: string[] | null = null;
  /** The response's status. */
  status = 0;
  /** The response's status text. */
  statusText = "";
  /** The response's header names and values, in turn. */
  responsePairs: string[] | null = null;
  /** The request whose send is waiting for its connection. */
  sending: unknown = null;

  /** A request's record (its source's id), begun at `start` with its URL. */
  constructor(
    /** Its `URL_REQUEST` source's id. */ readonly sourceId: number,
    /** When it began, on the log's clock. */ readonly start: number,
    url: string,
  ) {
    this.url = url;
    this.times[STAGE.alive] = start;
  }

  /** Whether `stage` is the one this record goes through next. */
  stageNext(stage: number): boolean {
    if (stage === STAGE.sent) {
      return this.next === ROUTE_END || (this.next === ROUTE_FIRST && !this.routed);
    }
    return this.next === FIRST_STEP[stage];
  }

  /** Whether the route has begun and its job controller is the source to be made next. */
  expectsController(): boolean {
    return this.routed && this.next === ROUTE_FIRST + 1 && this.controllerId === 0;
  }

  /**
   * The proxy route's next call through the request's (or, `controller`, its job controller's)
   * sink: its time (read from `clock` where a stage of the route ends) and values kept, true; false
   * when it is not the call the steps expect (the record is then written out by the caller).
   */
  routeCall(
    controller: boolean,
    type: string,
    phase: number,
    params: Record<string, unknown> | undefined,
    clock: { now(): number },
  ): boolean {
    const step = routeStep(this.next, controller, type, phase);
    if (step < 0 || this.sending === null) return false;
    const kind = ROUTE_KINDS[step - ROUTE_FIRST];
    const value = (key: string) => params?.[key];
    if (params !== undefined && (kind === "route" || kind === "plain" || kind === "connected")) {
      return false;
    }
    switch (kind) {
      case "route":
        this.routed = true;
        this.times[STAGE.route] = clock.now();
        break;
      case "bound": {
        const ref = value("source_dependency") as { id?: unknown } | undefined;
        if (this.controllerId === 0 || ref?.id !== this.controllerId) return false;
        break;
      }
      case "controller": {
        const url = value("url");
        if (typeof url !== "string" || value("is_preconnect") !== false) return false;
        if (value("private_mode") !== false) return false;
        this.controllerUrl = url;
        break;
      }
      case "pac": {
        const pac = value("pac_string");
        if (typeof pac !== "string") return false;
        this.pac = pac;
        this.times[STAGE.resolved] = clock.now();
        break;
      }
      case "connected":
        this.times[STAGE.connected] = clock.now();
        break;
    }
    this.next = step + 1;
    return true;
  }

  /** The stage is done at `time`: its steps count as taken. */
  reach(stage: number, time: number): void {
    this.times[stage] = time;
    while (this.next < REQUEST_STEPS.length && REQUEST_STEPS[this.next].stage <= stage) {
      this.next++;
    }
  }
}

/** Writes numbers and strings into the event buffer (`EventBuffer`'s record primitives). */
export interface RecordWriter {
  /** Starts a record of `kind` (its first byte). */
  byte(value: number): void;
  /** A number (f64). */
  number(value: number): void;
  /** A string. */
  text(value: string): void;
}

/** The cookies the response stored, as the recorder's `store` params (domain, name, path). */
export interface StoredCookie {
  /** The cookie's domain. */ domain?: unknown;
  /** Its name. */ name?: unknown;
  /** Its path. */ path?: unknown;
}

/**
 * Writes `record` (as far as it got) as one kind-6 record.
 *
 * @example
 * ```ts ignore
 * writeRecord(buffer, record, []);
 * ```
 */
export function writeRecord(
  out: RecordWriter,
  record: RequestRecord,
  stored: readonly StoredCookie[] | null,
): void {
  out.byte(6);
  out.byte(record.next);
  out.byte(record.routed ? 1 : 0);
  out.number(record.sourceId);
  out.number(record.start);
  out.number(record.controllerId);
  out.number(record.controllerStart);
  for (let stage = STAGE.alive; stage <= STAGE.started; stage++) out.number(record.times[stage]);
  out.text(record.url);
  out.text(record.jobUrl === record.url ? "" : record.jobUrl);
  out.byte(record.jobUrl === record.url ? 1 : 0);
  out.text(record.method);
  out.text(record.initiator);
  out.text(record.requestType);
  out.text(record.controllerUrl === record.url ? "" : record.controllerUrl);
  out.byte(record.controllerUrl === record.url ? 1 : 0);
  out.text(record.pac);
  out.text(record.line);
  out.byte(record.host === null ? 0 : 1);
  if (record.host !== null) out.text(record.host);
  pairs(out, record.requestPairs);
  out.number(record.status);
  out.text(record.statusText);
  pairs(out, record.responsePairs);
  const cookies = stored ?? [];
  out.number(cookies.length);
  for (const cookie of cookies) {
    out.text(String(cookie.domain));
    out.text(String(cookie.name));
    out.text(String(cookie.path));
  }
}

function pairs(out: RecordWriter, list: string[] | null): void {
  out.number(list === null ? 0 : list.length);
  if (list !== null) { for (const text of list) out.text(text); }
}

/**
 * Header names and values of `headers` in turn, `set-cookie` last (one each), as the recorder
 * writes header lines.
 *
 * @example
 * ```ts
 * headerPairs(new Headers([["b", "2"], ["a", "1"]])); // ["a", "1", "b", "2"]
 * ```
 */
export function headerPairs(headers: Headers): string[] {
  const list: string[] = [];
  let cookies = false;
  headers.forEach((value, name) => {
    if (name === "set-cookie") cookies = true;
    else list.push(name, value);
  });
  if (cookies) { for (const value of headers.getSetCookie()) list.push("set-cookie", value); }
  return list;
}

/** A record's numbers before its strings, as {@linkcode writeRecord} writes them. */
export interface RecordHead {
  /** The index of its next step. */ next: number;
  /** Whether its route's steps were taken. */ routed: boolean;
  /** Its source's id. */ id: number;
  /** Its source's start. */ start: number;
  /** Its job controller's id. */ controllerId: number;
  /** Its job controller's start. */ controllerStart: number;
  /** Its stage times, by stage number (0 unused). */ times: number[];
}

/**
 * Reads a record's numbers (after its kind byte).
 *
 * @example
 * ```ts ignore
 * const { next, times } = readRecordHead(reader);
 * ```
 */
export function readRecordHead(input: RecordReader): RecordHead {
  const next = input.byte();
  const routed = input.byte() === 1;
  const id = input.number();
  const start = input.number();
  const controllerId = input.number();
  const controllerStart = input.number();
  const times: number[] = [0];
  for (let stage = STAGE.alive; stage <= STAGE.started; stage++) times.push(input.number());
  return { next, routed, id, start, controllerId, controllerStart, times };
}

/** Reads a record's numbers and strings back. */
export interface RecordReader {
  /** The next byte. */
  byte(): number;
  /** The next number. */
  number(): number;
  /** The next string. */
  text(): string;
}

/** Where a record's events go (an `EventBuffer`). */
export interface ExpandedEvents {
  /** One event. */
  event(...event: [...EventHead, params: Record<string, unknown> | undefined]): void;
  /** One event whose params are header lines made from names and values. */
  headerPairsEvent(
    ...event: [...EventHead, line: string | null, first: string | null, pairs: readonly string[]]
  ): void;
}

const URL_REQUEST = SOURCE_TYPE_IDS.URL_REQUEST;
const CONTROLLER = SOURCE_TYPE_IDS.HTTP_STREAM_JOB_CONTROLLER;

/**
 * Reads one kind-6 record (after its kind byte) and writes its events, as the recorder would have
 * written them one by one.
 *
 * @example
 * ```ts ignore
 * expandRecord(reader, buffer);
 * ```
 */
export function expandRecord(input: RecordReader, out: ExpandedEvents): void {
  const { next, routed, id, start, controllerId, controllerStart, times } = readRecordHead(input);
  const url = input.text();
  const jobText = input.text();
  const jobUrl = input.byte() === 1 ? url : jobText;
  const method = input.text();
  const initiator = input.text();
  const requestType = input.text();
  const controllerText = input.text();
  const controllerUrl = input.byte() === 1 ? url : controllerText;
  const pac = input.text();
  const line = input.text();
  const host = input.byte() === 1 ? input.text() : null;
  const requestPairs = readPairs(input);
  const status = input.number();
  const statusText = input.text();
  const responsePairs = readPairs(input);
  const stored: string[][] = [];
  for (let i = input.number(); i > 0; i--) stored.push([input.text(), input.text(), input.text()]);
  for (let i = 0; i < next; i++) {
    if (!routed && i >= ROUTE_FIRST && i < ROUTE_END) continue;
    const s = REQUEST_STEPS[i];
    const type = EVENT_TYPE_IDS[s.type];
    const time = times[s.stage];
    const [sid, stype, sstart] = s.controller
      ? [controllerId, CONTROLLER, controllerStart]
      : [id, URL_REQUEST, start];
    const event = (params?: Record<string, unknown>) =>
      out.event(type, s.phase, sid, stype, sstart, time, params);
    switch (s.params) {
      case P.none:
        event();
        break;
      case P.alive:
        event({ priority: "MEDIUM", traffic_annotation: 0, url });
        break;
      case P.job:
        event({ initiator, load_flags: 0, method, request_type: requestType, url: jobUrl });
        break;
      case P.bound:
        event({ source_dependency: { id: controllerId, type: CONTROLLER } });
        break;
      case P.controller:
        event({ is_preconnect: false, private_mode: false, url: controllerUrl });
        break;
      case P.pac:
        event({ pac_string: pac });
        break;
      case P.sendCookies: {
        const cookie = cookieHeader(requestPairs);
        if (cookie === null) break;
        for (const pair of cookie.split(";")) {
          const name = pair.slice(0, pair.includes("=") ? pair.indexOf("=") : 0).trim();
          event({ name, operation: "send", status: "INCLUDE" });
        }
        break;
      }
      case P.requestHeaders:
        out.headerPairsEvent(type, s.phase, sid, stype, sstart, time, line, host, requestPairs);
        break;
      case P.responseHeaders: {
        const first = `HTTP/1.1 ${status} ${statusText}`.trimEnd();
        out.headerPairsEvent(type, s.phase, sid, stype, sstart, time, null, first, responsePairs);
        break;
      }
      case P.storedCookies:
        for (const [domain, name, path] of stored) {
          event({ domain, name, operation: "store", path, status: "INCLUDE" });
        }
        break;
    }
  }
}

function readPairs(input: RecordReader): string[] {
  const list: string[] = [];
  for (let i = input.number(); i > 0; i--) list.push(input.text());
  return list;
}

/** The `cookie` header's value among the pairs, as `Headers.get` gives it. */
function cookieHeader(list: readonly string[]): string | null {
  for (let i = 0; i < list.length; i += 2) if (list[i] === "cookie") return list[i + 1];
  return null;
}
