/**
 * Turning `fetch(input, init)` arguments into what the pipeline runs, with fetch's validation.
 *
 * @module
 */
import type { RedirectMode } from "./pipeline.ts";
import { type RequestBody, RESOURCE_TYPES, type ResourceType } from "./request.ts";

/** `RequestInit` plus the options websession understands. */
export interface SessionFetchInit extends RequestInit {
  /** Electron's option: skip `protocol.handle` handlers and go to the network. */
  bypassCustomProtocolHandlers?: boolean;
  /** Chrome's resource type for webRequest filters and rules (default `other`). */
  resourceType?: ResourceType;
  /** The initiating origin (for SameSite and initiator conditions). */
  initiator?: string | null;
  /** The top-level site (for partitioned cookies). */
  topLevelSite?: string | null;
  /** Whether the session's cookies are sent and stored (default true for `ses.fetch`). */
  useSessionCookies?: boolean;
}

/** The fetch arguments, checked and normalised. */
export interface PreparedFetch {
  /** Absolute URL. */
  url: string;
  /** Method, standard ones upper-cased. */
  method: string;
  /** Headers. */
  headers: Headers;
  /** Body. */
  body: RequestBody | null;
  /** Redirect mode. */
  redirect: RedirectMode;
  /** Signal. */
  signal: AbortSignal | undefined;
  /** Referrer. */
  referrer: string;
  /** Resource type. */
  resourceType: ResourceType;
}

const STANDARD_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const encoder = new TextEncoder();

/**
 * Checks and normalises fetch arguments; bad ones throw a TypeError that says which.
 *
 * @example
 * ```ts
 * const prepared = await prepareFetch("https://example.com/", { method: "post", body: "x" });
 * prepared.method; // "POST"
 * ```
 */
export async function prepareFetch(
  input: string | URL | Request,
  init: SessionFetchInit = {},
): Promise<PreparedFetch> {
  const request = input instanceof Request ? input : null;
  const rawUrl = request ? request.url : input instanceof URL ? input.href : input;
  if (typeof rawUrl !== "string") {
    throw new TypeError(
      `fetch: input must be a URL string, a URL or a Request, got ${typeof input}`,
    );
  }
  let url: URL;
  try {
    // In a page, relative URLs resolve against the document, as fetch does there.
    url = new URL(rawUrl, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new TypeError(`fetch: invalid URL "${rawUrl}"`);
  }
  if (url.username || url.password) {
    throw new TypeError(`fetch: the URL "${rawUrl}" includes credentials`);
  }
  let method = init.method ?? request?.method ?? "GET";
  if (typeof method !== "string" || !TOKEN.test(method)) {
    throw new TypeError(`fetch: invalid method "${String(method)}"`);
  }
  const upper = method.toUpperCase();
  if (STANDARD_METHODS.includes(upper)) method = upper;
  if (upper === "CONNECT" || upper === "TRACE" || upper === "TRACK") {
    throw new TypeError(`fetch: the method ${upper} is forbidden`);
  }
  const headers = new Headers(init.headers ?? request?.headers);
  const redirect = init.redirect ?? request?.redirect ?? "follow";
  if (redirect !== "follow" && redirect !== "error" && redirect !== "manual") {
    throw new TypeError(`fetch: redirect must be "follow", "error" or "manual", got "${redirect}"`);
  }
  const resourceType = init.resourceType ?? "other";
  if (!RESOURCE_TYPES.includes(resourceType)) {
    throw new TypeError(`fetch: unknown resourceType "${resourceType}"`);
  }
  let body: RequestBody | null = null;
  if (init.body !== undefined && init.body !== null) {
    body = await encodeBody(init.body, headers);
  } else if (request && request.body !== null && init.body === undefined) {
    body = new Uint8Array(await request.arrayBuffer());
  }
  if (body !== null && (method === "GET" || method === "HEAD")) {
    throw new TypeError(`fetch: a ${method} request cannot have a body`);
  }
  return {
    url: url.href,
    method,
    headers,
    body,
    redirect,
    signal: init.signal ?? request?.signal ?? undefined,
    referrer: typeof init.referrer === "string" ? init.referrer : "",
    resourceType,
  };
}

async function encodeBody(body: BodyInit, headers: Headers): Promise<RequestBody> {
  const type = (value: string) => {
    if (!headers.has("content-type")) headers.set("content-type", value);
  };
  if (typeof body === "string") {
    type("text/plain;charset=UTF-8");
    return encoder.encode(body);
  }
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
  if (body instanceof ReadableStream) return body as ReadableStream<Uint8Array>;
  if (body instanceof URLSearchParams) {
    type("application/x-www-form-urlencoded;charset=UTF-8");
    return encoder.encode(body.toString());
  }
  if (body instanceof Blob) {
    if (body.type) type(body.type);
    return new Uint8Array(await body.arrayBuffer());
  }
  if (body instanceof FormData) {
    const encoded = new Response(body);
    type(encoded.headers.get("content-type")!);
    return new Uint8Array(await encoded.arrayBuffer());
  }
  throw new TypeError(`fetch: unsupported body type ${Object.prototype.toString.call(body)}`);
}
