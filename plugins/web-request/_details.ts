/**
 * The `details` objects listeners receive (Electron's and Chrome's shapes), and the conversion of
 * their answers into what the pipeline merges.
 *
 * @module
 */
import type { NetError } from "../../kernel/errors.ts";
import type { AuthChallenge, PipelineRequest } from "../../kernel/request.ts";
import { fromByteString, toByteString } from "./_header_text.ts";
import { chromeRequestBody } from "./_request_body.ts";
import { stackHeaders } from "../../kernel/http/stack_headers.ts";
import { remoteAddress } from "../../kernel/http/remote_address.ts";
import { hiddenRequestHeader } from "./_extra_headers.ts";

/** The webRequest events. */
export type EventName =
  | "onBeforeRequest"
  | "onBeforeSendHeaders"
  | "onSendHeaders"
  | "onHeadersReceived"
  | "onAuthRequired"
  | "onBeforeRedirect"
  | "onResponseStarted"
  | "onCompleted"
  | "onErrorOccurred";

/** What happened at a stage, besides the request itself. */
export interface StageInfo {
  /** The response (from headersReceived on). */
  response?: Response;
  /** The redirect target (beforeRedirect). */
  redirectUrl?: string;
  /** The error (errorOccurred). */
  error?: NetError;
  /** The auth challenge (authRequired). */
  challenge?: AuthChallenge;
}

/** Set by the cache plugin in `request.data` when the cache answered (`details.fromCache`). */
const FROM_CACHE = Symbol.for("websession.fromCache");

function fromCache(request: PipelineRequest): boolean {
  return request.data.get(FROM_CACHE) === true;
}

const ELECTRON_TYPES: Record<string, string> = {
  main_frame: "mainFrame",
  sub_frame: "subFrame",
  stylesheet: "stylesheet",
  script: "script",
  image: "image",
  font: "font",
  object: "object",
  xmlhttprequest: "xhr",
  ping: "ping",
  csp_report: "cspReport",
  media: "media",
  websocket: "webSocket",
  webtransport: "other",
  webbundle: "other",
  other: "other",
};

/**
 * Electron's resource type names mapped to Chrome's.
 *
 * @example
 * ```ts
 * FROM_ELECTRON_TYPE.xhr; // "xmlhttprequest"
 * ```
 */
export const FROM_ELECTRON_TYPE: Readonly<Record<string, string>> = {
  mainFrame: "main_frame",
  subFrame: "sub_frame",
  stylesheet: "stylesheet",
  script: "script",
  image: "image",
  font: "font",
  object: "object",
  xhr: "xmlhttprequest",
  ping: "ping",
  cspReport: "csp_report",
  media: "media",
  webSocket: "websocket",
  other: "other",
};

/** The events whose details have `ip` (when known) on Electron's surface. */
const ELECTRON_IP_EVENTS: ReadonlySet<EventName> = new Set([
  "onBeforeRedirect",
  "onResponseStarted",
  "onCompleted",
]);

/** The events whose details have `ip` (when known) in Chrome's docs. */
const CHROME_IP_EVENTS: ReadonlySet<EventName> = new Set([
  "onBeforeRedirect",
  "onResponseStarted",
  "onCompleted",
  "onErrorOccurred",
]);

/** `details.ip`: the server IP the hop was sent to, when known (optional in both APIs). */
function setIp(details: Record<string, unknown>, request: PipelineRequest): void {
  const ip = remoteAddress(request);
  if (ip !== undefined) details.ip = ip;
}

function statusLine(response: Response): string {
  return `HTTP/1.1 ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
}

/**
 * The request headers a listener sees: values as UTF-8 text, and, for `net.request`, the names as
 * the caller spelled them and in the order they were set (`options.headerNames`), then the rest;
 * with `hide` (onBeforeSendHeaders), without the headers the session's network stack added; with
 * `hideExtra` (a Chrome listener without `extraHeaders`), without Chrome's hidden ones.
 */
function visibleRequestHeaders(
  request: PipelineRequest,
  hide: boolean,
  hideExtra = false,
): Array<[string, string]> {
  const headers = request.headers;
  const out: Array<[string, string]> = [];
  const shown = new Set<string>();
  const hidden = hide ? stackHeaders(request) : undefined;
  const add = (spelled: string, lower: string, value: string) => {
    if (hidden?.has(lower) || (hideExtra && hiddenRequestHeader(lower))) return;
    out.push([spelled, fromByteString(value)]);
  };
  const names = request.options.headerNames;
  if (Array.isArray(names)) {
    for (const name of names as string[]) {
      const lower = name.toLowerCase();
      const value = headers.get(lower);
      if (value === null || shown.has(lower)) continue;
      shown.add(lower);
      add(name, lower, value);
    }
  }
  for (const [name, value] of headers) if (!shown.has(name)) add(name, name, value);
  return out;
}

function bodyBytes(request: PipelineRequest): Uint8Array | null {
  return request.body instanceof Uint8Array ? request.body : null;
}

/** Node's Buffer where the runtime has one (Deno, Bun), as Electron's `uploadData[].bytes` is. */
// Read on use, not at import: on Deno the global Buffer starts the Node layer (issue #24).
const nodeBuffer = () =>
  (globalThis as {
    Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array };
  }).Buffer;

/** The bytes as a Buffer over the same memory (so `bytes.toString()` is the text), else as is. */
function asBuffer(bytes: Uint8Array): Uint8Array {
  const NodeBuffer = nodeBuffer();
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/**
 * The details object of Electron's `ses.webRequest` listeners.
 *
 * @example
 * ```ts
 * // electronDetails("onBeforeRequest", request, {}, Date.now())
 * ```
 */
export function electronDetails(
  event: EventName,
  request: PipelineRequest,
  info: StageInfo,
  timestamp: number,
): Record<string, unknown> {
  const d: Record<string, unknown> = {
    id: request.id,
    url: request.url,
    method: request.method,
    resourceType: ELECTRON_TYPES[request.resourceType] ?? "other",
    referrer: request.referrer,
    timestamp,
  };
  // Electron fills uploadData from the request on every event; its docs name these two.
  if (event === "onBeforeRequest" || event === "onBeforeSendHeaders") {
    const bytes = bodyBytes(request);
    // a bytes element, as Electron's converter of the request body writes it
    if (bytes) d.uploadData = [{ type: "rawData", bytes: asBuffer(bytes) }];
  }
  if (event === "onBeforeSendHeaders" || event === "onSendHeaders") {
    const hide = event === "onBeforeSendHeaders";
    d.requestHeaders = Object.fromEntries(visibleRequestHeaders(request, hide));
  }
  const r = info.response;
  if (r) {
    d.statusCode = r.status;
    d.statusLine = statusLine(r);
    const headers: Record<string, string[]> = {};
    for (const [name, value] of r.headers) {
      if (name === "set-cookie") continue;
      (headers[name] ??= []).push(fromByteString(value));
    }
    const cookies = r.headers.getSetCookie();
    if (cookies.length) headers["set-cookie"] = cookies.map(fromByteString);
    d.responseHeaders = headers;
    if (event !== "onHeadersReceived") d.fromCache = fromCache(request);
    // Electron fills `ip` from the response once it started (its docs name onBeforeRedirect)
    if (ELECTRON_IP_EVENTS.has(event)) setIp(d, request);
  }
  if (info.redirectUrl !== undefined) d.redirectURL = info.redirectUrl;
  if (info.error) {
    d.error = info.error.code;
    d.fromCache = false;
  } else if (event === "onCompleted") d.error = "net::OK"; // Electron: net::ErrorToString(OK)
  return d;
}

function httpHeaders(entries: Iterable<[string, string]>): Array<{ name: string; value: string }> {
  return [...entries].map(([name, value]) => ({ name, value }));
}

/**
 * The details object of Chrome-style listeners (`ses.webRequest.events.onX`).
 *
 * @example
 * ```ts
 * // chromeDetails("onCompleted", request, { response }, new Set(["responseHeaders"]), Date.now())
 * ```
 */
export function chromeDetails(
  event: EventName,
  request: PipelineRequest,
  info: StageInfo,
  extra: ReadonlySet<string>,
  timestamp: number,
): Record<string, unknown> {
  const d: Record<string, unknown> = {
    requestId: String(request.id),
    url: request.url,
    method: request.method,
    // no frame: Chromium's invalid frame id (ExtensionApiFrameIdMap::kInvalidFrameId)
    frameId: -1,
    parentFrameId: -1,
    tabId: -1,
    type: request.resourceType,
    timeStamp: timestamp,
  };
  if (request.initiator !== null) d.initiator = request.initiator;
  if (event === "onBeforeRequest" && extra.has("requestBody")) {
    const body = chromeRequestBody(
      request.method,
      request.headers.get("content-type"),
      request.body,
    );
    if (body) d.requestBody = body;
  }
  if (
    (event === "onBeforeSendHeaders" || event === "onSendHeaders") && extra.has("requestHeaders")
  ) {
    // what the network stack added is out of view even with extraHeaders (Chromium adds it later)
    const hide = event === "onBeforeSendHeaders";
    const hideExtra = !extra.has("extraHeaders");
    d.requestHeaders = httpHeaders(visibleRequestHeaders(request, hide, hideExtra));
  }
  const r = info.response;
  if (r) {
    d.statusCode = r.status;
    d.statusLine = statusLine(r);
    if (extra.has("responseHeaders")) {
      const list: Array<[string, string]> = [];
      for (const [n, v] of r.headers) if (n !== "set-cookie") list.push([n, fromByteString(v)]);
      // Set-Cookie is Chrome's one response header shown only with extraHeaders
      if (extra.has("extraHeaders")) {
        for (const c of r.headers.getSetCookie()) list.push(["set-cookie", fromByteString(c)]);
      }
      d.responseHeaders = httpHeaders(list);
    }
    if (event !== "onHeadersReceived" && event !== "onAuthRequired") {
      d.fromCache = fromCache(request);
    }
  }
  if (CHROME_IP_EVENTS.has(event)) setIp(d, request);
  if (info.redirectUrl !== undefined) d.redirectUrl = info.redirectUrl;
  if (info.error) {
    d.error = info.error.code;
    d.fromCache = false;
  }
  if (info.challenge) {
    d.scheme = info.challenge.scheme;
    d.realm = info.challenge.realm;
    d.isProxy = info.challenge.isProxy;
    d.challenger = { host: info.challenge.host, port: info.challenge.port };
  }
  return d;
}

/**
 * Turns a listener's header answer into the full header set to send: the headers the session's
 * network stack added (`kernel/http/stack_headers.ts`), which the listener could not see, come back
 * unless it set them itself.
 *
 * @example
 * ```ts
 * import { addStackHeader } from "../../kernel/http/stack_headers.ts";
 * const request = { headers: new Headers({ "x-a": "1" }), data: new Map() };
 * addStackHeader(request, "authorization", "Basic x");
 * withStackHeaders(new Headers({ "x-b": "2" }), request).get("authorization"); // "Basic x"
 * ```
 */
export function withStackHeaders(
  answer: Headers,
  request: Pick<PipelineRequest, "headers" | "data">,
): Headers {
  const added = stackHeaders(request);
  if (added === undefined) return answer;
  for (const name of added) {
    const value = request.headers.get(name);
    if (value !== null && !answer.has(name)) answer.set(name, value);
  }
  return answer;
}

/**
 * Headers from Electron's record shape (`{ name: value | value[] }`) or Chrome's list shape
 * (`[{ name, value }]`). A name that differs only in case from an earlier one replaces it, as
 * Chromium's `SetHeader` does (in Chrome's list, repeated response headers such as `set-cookie`
 * add up instead). An entry with an invalid name or value is dropped, alone, and passed to
 * `onInvalid`; the rest of the answer stands.
 *
 * @example
 * ```ts
 * toHeaders({ "x-a": ["1", "2"] }, "answer", "request").get("x-a"); // "1, 2"
 * toHeaders({ "user-agent": "a", "User-Agent": "b" }, "answer", "request").get("user-agent"); // "b"
 * toHeaders({ "bad name": "1", ok: "2" }, "answer", "request", console.warn).get("ok"); // "2"
 * ```
 */
export function toHeaders(
  input: unknown,
  field: string,
  kind: "request" | "response",
  onInvalid: (message: string) => void = () => {},
): Headers {
  const headers = new Headers();
  const seen = new Map<string, string>(); // lower-case name -> the spelling that set it
  const put = (name: string, values: unknown[], replace: boolean): void => {
    const probe = new Headers();
    const texts = values.map((v) => toByteString(String(v)));
    try {
      for (const v of texts) probe.append(name, v);
    } catch {
      onInvalid(`${field}: invalid header ${JSON.stringify(name)} dropped`);
      return;
    }
    const lower = name.toLowerCase();
    if (replace && seen.has(lower)) headers.delete(name);
    seen.set(lower, name);
    for (const v of texts) headers.append(name, v);
  };
  if (Array.isArray(input)) {
    for (const h of input) {
      if (!h || typeof h.name !== "string") {
        onInvalid(`${field}: a header without a name dropped`);
        continue;
      }
      const value = typeof h.value === "string"
        ? h.value
        : h.binaryValue
        ? new TextDecoder().decode(new Uint8Array(h.binaryValue))
        : "";
      put(h.name, [value], kind === "request");
    }
  } else if (input && typeof input === "object") {
    for (const [name, value] of Object.entries(input)) {
      put(name, Array.isArray(value) ? value : [value], true);
    }
  } else throw new TypeError(`${field} must be an object or an array of headers`);
  return headers;
}
