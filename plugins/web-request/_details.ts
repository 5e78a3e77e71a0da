/**
 * The `details` objects listeners receive (Electron's and Chrome's shapes), and the conversion of
 * their answers into what the pipeline merges.
 *
 * @module
 */
import type { NetError } from "../../kernel/errors.ts";
import type { AuthChallenge, PipelineRequest } from "../../kernel/request.ts";

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

/**
 * Headers `onBeforeSendHeaders` does not show (Chrome's list); they are still sent.
 *
 * @example
 * ```ts
 * HIDDEN_REQUEST_HEADERS.has("authorization"); // true
 * ```
 */
export const HIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "cache-control",
  "connection",
  "content-length",
  "host",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "partial-data",
  "pragma",
  "proxy-authorization",
  "proxy-connection",
  "transfer-encoding",
]);

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

function statusLine(response: Response): string {
  return `HTTP/1.1 ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
}

function visibleRequestHeaders(headers: Headers, hide: boolean): Array<[string, string]> {
  return [...headers].filter(([name]) => !hide || !HIDDEN_REQUEST_HEADERS.has(name));
}

function bodyBytes(request: PipelineRequest): Uint8Array | null {
  return request.body instanceof Uint8Array ? request.body : null;
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
  if (event === "onBeforeRequest") {
    const bytes = bodyBytes(request);
    if (bytes) d.uploadData = [{ bytes }];
  }
  if (event === "onBeforeSendHeaders" || event === "onSendHeaders") {
    const hide = event === "onBeforeSendHeaders";
    d.requestHeaders = Object.fromEntries(visibleRequestHeaders(request.headers, hide));
  }
  const r = info.response;
  if (r) {
    d.statusCode = r.status;
    d.statusLine = statusLine(r);
    const headers: Record<string, string[]> = {};
    for (const [name, value] of r.headers) {
      if (name === "set-cookie") continue;
      (headers[name] ??= []).push(value);
    }
    const cookies = r.headers.getSetCookie();
    if (cookies.length) headers["set-cookie"] = cookies;
    d.responseHeaders = headers;
    if (event !== "onHeadersReceived") d.fromCache = fromCache(request);
  }
  if (info.redirectUrl !== undefined) d.redirectURL = info.redirectUrl;
  if (info.error) {
    d.error = info.error.code;
    d.fromCache = false;
  }
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
    frameId: 0,
    parentFrameId: -1,
    tabId: -1,
    type: request.resourceType,
    timeStamp: timestamp,
  };
  if (request.initiator !== null) d.initiator = request.initiator;
  if (event === "onBeforeRequest" && extra.has("requestBody")) {
    const bytes = bodyBytes(request);
    if (bytes) {
      const body: Record<string, unknown> = { raw: [{ bytes: bytes.slice().buffer }] };
      const type = request.headers.get("content-type") ?? "";
      if (type.startsWith("application/x-www-form-urlencoded")) {
        const form: Record<string, string[]> = {};
        for (const [k, v] of new URLSearchParams(new TextDecoder().decode(bytes))) {
          (form[k] ??= []).push(v);
        }
        body.formData = form;
      }
      d.requestBody = body;
    }
  }
  if (
    (event === "onBeforeSendHeaders" || event === "onSendHeaders") && extra.has("requestHeaders")
  ) {
    const hide = event === "onBeforeSendHeaders" && !extra.has("extraHeaders");
    d.requestHeaders = httpHeaders(visibleRequestHeaders(request.headers, hide));
  }
  const r = info.response;
  if (r) {
    d.statusCode = r.status;
    d.statusLine = statusLine(r);
    if (extra.has("responseHeaders")) {
      const list = [...r.headers].filter(([n]) => n !== "set-cookie");
      for (const c of r.headers.getSetCookie()) list.push(["set-cookie", c]);
      d.responseHeaders = httpHeaders(list);
    }
    if (event !== "onHeadersReceived" && event !== "onAuthRequired") {
      d.fromCache = fromCache(request);
    }
  }
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
 * Turns a listener's header answer into the full header set to send: the hidden headers the
 * listener could not see come back unless it set them itself.
 *
 * @example
 * ```ts
 * const original = new Headers({ authorization: "Basic x", "x-a": "1" });
 * withHiddenHeaders(new Headers({ "x-b": "2" }), original).get("authorization"); // "Basic x"
 * ```
 */
export function withHiddenHeaders(answer: Headers, original: Headers): Headers {
  for (const [name, value] of original) {
    if (HIDDEN_REQUEST_HEADERS.has(name) && !answer.has(name)) answer.set(name, value);
  }
  return answer;
}

/**
 * Headers from Electron's record shape (`{ name: value | value[] }`) or Chrome's list shape
 * (`[{ name, value }]`).
 *
 * @example
 * ```ts
 * toHeaders({ "x-a": ["1", "2"] }).get("x-a"); // "1, 2"
 * ```
 */
export function toHeaders(input: unknown, field: string): Headers {
  const headers = new Headers();
  if (Array.isArray(input)) {
    for (const h of input) {
      if (!h || typeof h.name !== "string") {
        throw new TypeError(`${field}: each header needs a name`);
      }
      const value = typeof h.value === "string"
        ? h.value
        : h.binaryValue
        ? new TextDecoder().decode(new Uint8Array(h.binaryValue))
        : "";
      headers.append(h.name, value);
    }
  } else if (input && typeof input === "object") {
    for (const [name, value] of Object.entries(input)) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
    }
  } else throw new TypeError(`${field} must be an object or an array of headers`);
  return headers;
}
