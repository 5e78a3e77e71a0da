/**
 * A request's record (`request_record.ts`) written straight as the file's JSON bytes: the events
 * of its steps, with the same text as its events written one by one would give (`expandRecord`,
 * then `eventsText`; the test compares them), the strings copied from the record's bytes rather
 * than made into strings and back.
 *
 * @module
 */
import { EVENT_TYPE_IDS, type NetLogCaptureMode, SOURCE_TYPE_IDS } from "./constants.ts";
import { ascii, type Output, type Reader } from "./json_bytes.ts";
import { readRecordHead, REQUEST_STEPS, ROUTE_STEPS, STEP_PARAMS as P } from "./request_record.ts";
import { headerLine } from "./sensitive_headers.ts";

const URL_REQUEST = SOURCE_TYPE_IDS.URL_REQUEST;
const CONTROLLER = SOURCE_TYPE_IDS.HTTP_STREAM_JOB_CONTROLLER;
const ROUTE_FIRST = ROUTE_STEPS.first;
const ROUTE_END = ROUTE_STEPS.end;

const OPEN = ascii("{");
const NEXT = ascii(",\n{");
const PARAMS = ascii('"params":');
const COMMA = ascii(",");
/** `"phase":N,"source":{"id":` by phase. */
const PHASES = [0, 1, 2].map((phase) => ascii(`"phase":${phase},"source":{"id":`));
const START_TIME = ascii(',"start_time":"');
const SOURCE_TYPE = ascii('","type":');
const TIME = ascii('},"time":"');
/** `","type":N}` by step. */
const TYPES = REQUEST_STEPS.map((s) => ascii(`","type":${EVENT_TYPE_IDS[s.type]}}`));
const ALIVE = ascii('{"priority":"MEDIUM","traffic_annotation":0,"url":');
const JOB_INITIATOR = ascii('{"initiator":');
const JOB_METHOD = ascii(',"load_flags":0,"method":');
const JOB_TYPE = ascii(',"request_type":');
const URL_KEY = ascii(',"url":');
const BOUND = ascii('{"source_dependency":{"id":');
const BOUND_END = ascii(`,"type":${CONTROLLER}}}`);
const CONTROLLER_PARAMS = ascii('{"is_preconnect":false,"private_mode":false,"url":');
const PAC = ascii('{"pac_string":');
const SEND_COOKIE = ascii('{"name":');
const SEND_COOKIE_END = ascii(',"operation":"send","status":"INCLUDE"}');
const HEADERS = ascii('{"headers":[');
const LINE = ascii('],"line":');
const HEADERS_END = ascii("]}");
const STORE_DOMAIN = ascii('{"domain":');
const STORE_NAME = ascii(',"name":');
const STORE_PATH = ascii(',"operation":"store","path":');
const STORE_END = ascii(',"status":"INCLUDE"}');
const CLOSE = ascii("}");
const LINE_SEPARATOR = ascii(": ");
const COOKIE_NAME = ascii("cookie");
const decoder = new TextDecoder();

/** String positions in the record's bytes: start and end, in turn. */
let spans = new Int32Array(256);

/**
 * Writes the events of the record at `input` (after its kind byte) to `out`; answers whether the
 * next event is still the first (none written).
 *
 * @example
 * ```ts ignore
 * first = recordJson(reader, output, "default", first);
 * ```
 */
export function recordJson(
  input: Reader,
  out: Output,
  mode: NetLogCaptureMode,
  first: boolean,
): boolean {
  const bytes = input.bytes;
  const { next, routed, id, start, controllerId, controllerStart, times } = readRecordHead(input);
  // Strings as spans: url 0, job url 1, method 2, initiator 3, request type 4, controller url 5,
  // pac 6, line 7, host 8, status text 9, then the header pairs and stored cookies.
  const span = (slot: number) => {
    const from = input.skip();
    spans[slot * 2] = from;
    spans[slot * 2 + 1] = input.at;
  };
  span(0);
  span(1);
  if (input.byte() === 1) copySpan(0, 1);
  span(2);
  span(3);
  span(4);
  span(5);
  if (input.byte() === 1) copySpan(0, 5);
  span(6);
  span(7);
  const hasHost = input.byte() === 1;
  if (hasHost) span(8);
  let slot = 10;
  const requestFirst = slot;
  const requestCount = input.number();
  room(slot + requestCount + 1);
  for (let i = 0; i < requestCount; i++) span(slot++);
  const status = input.number();
  span(9);
  const responseFirst = slot;
  const responseCount = input.number();
  room(slot + responseCount + 1);
  for (let i = 0; i < responseCount; i++) span(slot++);
  const storedFirst = slot;
  const storedCount = input.number();
  room(slot + storedCount * 3 + 1);
  for (let i = 0; i < storedCount * 3; i++) span(slot++);

  const string = (s: number) => out.quoted(bytes, spans[s * 2], spans[s * 2 + 1]);
  for (let i = 0; i < next; i++) {
    if (!routed && i >= ROUTE_FIRST && i < ROUTE_END) continue;
    const kind = REQUEST_STEPS[i].params;
    if (kind === P.sendCookies) {
      const cookie = findPair(requestFirst, requestCount, COOKIE_NAME);
      if (cookie < 0) continue;
      for (const pair of decode(cookie + 1).split(";")) {
        const name = pair.slice(0, pair.includes("=") ? pair.indexOf("=") : 0).trim();
        event(i, kind, name, 0);
      }
    } else if (kind === P.storedCookies) {
      for (let c = 0; c < storedCount; c++) event(i, kind, "", storedFirst + c * 3);
    } else event(i, kind, "", 0);
  }
  return first;

  /** One event of step `index`: its params (of `kind`; a cookie's name or slot), then its tail. */
  function event(index: number, kind: number, name: string, cookie: number): void {
    const step = REQUEST_STEPS[index];
    const onController = step.controller;
    out.room(NEXT.length + PARAMS.length);
    out.literal(first ? OPEN : NEXT);
    first = false;
    if (kind !== P.none) {
      out.literal(PARAMS);
      params(kind, name, cookie);
      lit(COMMA);
    }
    out.room(160);
    out.literal(PHASES[step.phase]);
    out.number(onController ? controllerId : id);
    out.literal(START_TIME);
    out.number(onController ? controllerStart : start, false);
    out.literal(SOURCE_TYPE);
    out.number(onController ? CONTROLLER : URL_REQUEST);
    out.literal(TIME);
    out.number(times[step.stage], false);
    out.literal(TYPES[index]);
  }

  function params(kind: number, name: string, cookie: number): void {
    switch (kind) {
      case P.alive:
        lit(ALIVE);
        string(0);
        lit(CLOSE);
        break;
      case P.job:
        lit(JOB_INITIATOR);
        string(3);
        lit(JOB_METHOD);
        string(2);
        lit(JOB_TYPE);
        string(4);
        lit(URL_KEY);
        string(1);
        lit(CLOSE);
        break;
      case P.bound:
        lit(BOUND);
        out.room(24);
        out.number(controllerId);
        lit(BOUND_END);
        break;
      case P.controller:
        lit(CONTROLLER_PARAMS);
        string(5);
        lit(CLOSE);
        break;
      case P.pac:
        lit(PAC);
        string(6);
        lit(CLOSE);
        break;
      case P.sendCookies:
        lit(SEND_COOKIE);
        out.string(name);
        lit(SEND_COOKIE_END);
        break;
      case P.requestHeaders:
        lit(HEADERS);
        if (hasHost) string(8);
        headerLines(requestFirst, requestCount, hasHost);
        lit(LINE);
        string(7);
        lit(CLOSE);
        break;
      case P.responseHeaders:
        lit(HEADERS);
        out.string(`HTTP/1.1 ${status} ${decode(9)}`.trimEnd());
        headerLines(responseFirst, responseCount, true);
        lit(HEADERS_END);
        break;
      case P.storedCookies:
        lit(STORE_DOMAIN);
        string(cookie);
        lit(STORE_NAME);
        string(cookie + 1);
        lit(STORE_PATH);
        string(cookie + 2);
        lit(STORE_END);
        break;
    }
  }

  /** The slot of the pair named `name` (lower-case ASCII bytes), or -1. */
  function findPair(firstSlot: number, count: number, name: Uint8Array): number {
    for (let p = firstSlot; p < firstSlot + count; p += 2) {
      const from = spans[p * 2];
      if (spans[p * 2 + 1] - from !== name.length) continue;
      let same = true;
      for (let k = 0; k < name.length && same; k++) same = bytes[from + k] === name[k];
      if (same) return p;
    }
    return -1;
  }

  function lit(literal: Uint8Array): void {
    out.room(literal.length);
    out.literal(literal);
  }

  function copySpan(from: number, to: number): void {
    spans[to * 2] = spans[from * 2];
    spans[to * 2 + 1] = spans[from * 2 + 1];
  }

  function decode(s: number): string {
    let text = "";
    for (let i = spans[s * 2]; i < spans[s * 2 + 1]; i++) {
      if (bytes[i] > 0x7f) return decoder.decode(bytes.subarray(spans[s * 2], spans[s * 2 + 1]));
      text += String.fromCharCode(bytes[i]);
    }
    return text;
  }

  /** Header lines from pairs of spans (`after`: a line was written before them). */
  function headerLines(firstSlot: number, count: number, after: boolean): void {
    for (let p = firstSlot; p < firstSlot + count; p += 2) {
      if (after) lit(COMMA);
      after = true;
      const nameStart = spans[p * 2];
      const nameEnd = spans[p * 2 + 1];
      if (mode === "default" && mayBeSensitive(bytes, nameStart, nameEnd)) {
        out.string(headerLine(decode(p), decode(p + 1), mode));
        continue;
      }
      out.room(1);
      out.bytes[out.at++] = 0x22;
      out.escaped(bytes, nameStart, nameEnd);
      lit(LINE_SEPARATOR);
      out.escaped(bytes, spans[p * 2 + 2], spans[p * 2 + 3]);
      out.room(1);
      out.bytes[out.at++] = 0x22;
    }
  }
}

function room(slots: number): void {
  if (spans.length >= slots * 2) return;
  const grown = new Int32Array(slots * 4);
  grown.set(spans);
  spans = grown;
}

/**
 * Whether a header name may be one the default capture mode elides (cookies, credentials,
 * challenges): the length and first letter (in either case) of one of them.
 */
function mayBeSensitive(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  switch (bytes[start] | 0x20) {
    case 0x63: // cookie
      return length === 6;
    case 0x73: // set-cookie, set-cookie2
      return length === 10 || length === 11;
    case 0x61: // authorization
      return length === 13;
    case 0x70: // proxy-authorization, proxy-authenticate
      return length === 19 || length === 18;
    case 0x77: // www-authenticate
      return length === 16;
  }
  return false;
}
