/**
 * `fetch(input, init)` arguments turned into what the pipeline runs, with fetch's validation. By
 * hand rather than through `new Request()`, which would cost every `ses.fetch` a second Request.
 *
 * @module
 */
import { hasPrivilegedSchemes, isStandardScheme } from "./privileged_schemes.ts";
import {
  type PipelineInput,
  type RequestBody,
  RESOURCE_TYPES,
  type SessionFetchInit,
} from "../request.ts";
import { RequestHeaders } from "./hop_request.ts";
import { checkReferrerPolicy } from "./referrer_policy.ts";

export type { SessionFetchInit } from "../request.ts";

const STANDARD_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const encoder = new TextEncoder();
const bytesOf = (body: Blob | Request | Response) =>
  body.arrayBuffer().then((buffer) => new Uint8Array(buffer));

/** Checks and normalises fetch arguments (a TypeError says which is bad); synchronous unless a
 * body must be read (Blob, FormData, Request). */
export function prepareFetch(
  input: string | URL | Request,
  init: SessionFetchInit = {},
): PipelineInput | Promise<PipelineInput> {
  const request = input instanceof Request ? input : null;
  const rawUrl = request ? request.url : input instanceof URL ? input.href : input;
  if (typeof rawUrl !== "string") {
    throw new TypeError(
      `fetch: input must be a URL string, a URL or a Request, got ${typeof input}`,
    );
  }
  // In a page, relative URLs resolve against the document, as fetch does there.
  const url = URL.parse(rawUrl, (globalThis as { location?: { href: string } }).location?.href);
  if (url === null) throw new TypeError(`fetch: invalid URL "${rawUrl}"`);
  // A custom scheme registered as standard: its host canonicalised as http's (lower case).
  if (hasPrivilegedSchemes() && isStandardScheme(url.protocol.slice(0, -1))) {
    url.hostname = url.hostname.toLowerCase();
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
  const headers = new RequestHeaders(init.headers ?? request?.headers);
  const redirect = init.redirect ?? request?.redirect ?? "follow";
  if (redirect !== "follow" && redirect !== "error" && redirect !== "manual") {
    throw new TypeError(`fetch: redirect must be "follow", "error" or "manual", got "${redirect}"`);
  }
  const resourceType = init.resourceType ?? "other";
  if (!RESOURCE_TYPES.includes(resourceType)) {
    throw new TypeError(`fetch: unknown resourceType "${resourceType}"`);
  }
  // One literal with every field, so that each prepared request has the same shape.
  const out: PipelineInput = {
    url: url.href,
    method,
    headers,
    body: null,
    redirect,
    signal: init.signal ?? request?.signal ?? undefined,
    referrer: referrerOf(init.referrer ?? request?.referrer),
    referrerPolicy: "",
    resourceType,
  };
  const policy = init.referrerPolicy ?? request?.referrerPolicy;
  if (policy !== undefined && policy !== "") {
    out.referrerPolicy = checkReferrerPolicy(policy, "fetch: referrerPolicy");
  }
  let body: RequestBody | null | Promise<RequestBody> = null;
  if (init.body !== undefined && init.body !== null) body = encodeBody(init.body, headers);
  else if (request && request.body !== null && init.body === undefined) body = bytesOf(request);
  if (body !== null && (method === "GET" || method === "HEAD")) {
    throw new TypeError(`fetch: a ${method} request cannot have a body`);
  }
  if (body instanceof Promise) return body.then((bytes) => Object.assign(out, { body: bytes }));
  out.body = body;
  return out;
}

/**
 * fetch's `referrer`: "" (none) or a URL, resolved as a page's fetch resolves it; `about:client`
 * names the page's own URL, which a session has not, so it is none too.
 */
function referrerOf(referrer: string | undefined): string {
  if (referrer === undefined || referrer === "" || referrer === "about:client") return "";
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const url = URL.parse(String(referrer), base);
  if (url === null) {
    throw new TypeError(`fetch: invalid referrer "${String(referrer).slice(0, 200)}"`);
  }
  return url.href === "about:client" ? "" : url.href;
}

function encodeBody(body: BodyInit, headers: Headers): RequestBody | Promise<RequestBody> {
  const type = (value: string) => headers.has("content-type") || headers.set("content-type", value);
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
    return bytesOf(body);
  }
  if (body instanceof FormData) {
    const encoded = new Response(body);
    type(encoded.headers.get("content-type")!);
    return bytesOf(encoded);
  }
  throw new TypeError(`fetch: unsupported body type ${Object.prototype.toString.call(body)}`);
}
