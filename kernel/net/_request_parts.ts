/**
 * The parts of a `ClientRequest` that need no state: its option types, the URL from Electron's
 * options (Node's URL model when `url` is absent), header validation, and body chunks to bytes.
 *
 * @module
 */
import type { RedirectMode } from "../request.ts";
import type { Session } from "../session.ts";

/** Electron's `ClientRequestConstructorOptions`. */
export interface ClientRequestOptions {
  /** The method (default `GET`; upper-cased). */
  method?: string;
  /** The absolute `http:` or `https:` URL. */
  url?: string;
  /** Headers to send (same rules as `setHeader`). */
  headers?: Record<string, string | number | string[]>;
  /** The session (wins over `partition`; null is absent). */
  session?: Session | null;
  /** The partition of the session (default, or null: the default session). */
  partition?: string | null;
  /** `include`, `omit` or `same-origin` (needs `origin`), as in fetch. */
  credentials?: "include" | "omit" | "same-origin";
  /** Whether the session's cookies are sent and stored (default false). */
  useSessionCookies?: boolean;
  /** `http:` (default) or `https:`, when `url` is absent. */
  protocol?: string;
  /** `hostname:port`, when `url` is absent. */
  host?: string;
  /** The host name (default `localhost`), when `url` and `host` are absent. */
  hostname?: string;
  /** The port, when `url` and `host` are absent (0, null or "": the scheme's default). */
  port?: number | string | null;
  /** Path and query (default `/`), when `url` is absent. */
  path?: string;
  /** `follow` (default), `error` or `manual`. */
  redirect?: RedirectMode;
  /** The origin of the request (its initiator). */
  origin?: string;
  /** How the Referer header (the request's referrer) is cut, per hop (default
   * `strict-origin-when-cross-origin`); also the taps' `options.referrerPolicy`. */
  referrerPolicy?: string;
  /** Passed to the pipeline's taps as `options.cache`. */
  cache?: string;
  /** Passed to the pipeline's taps as `options.priority`. */
  priority?: string;
  /** Skip `ses.protocol.handle` handlers and go to the network. */
  bypassCustomProtocolHandlers?: boolean;
}

/** What `getUploadProgress()` returns. */
export interface UploadProgress {
  /** Whether the request is in flight. */
  active: boolean;
  /** Whether the upload started. */
  started: boolean;
  /** Bytes handed to the transport so far. */
  current: number;
  /** The body's size (for a chunked body: the bytes written so far). */
  total: number;
}

/** The first argument of the `login` event. */
export interface AuthInfo {
  /** Whether a proxy asks (407). */
  isProxy: boolean;
  /** The scheme in lower case (`basic`, `digest`). */
  scheme: string;
  /** The host that asks. */
  host: string;
  /** Its port. */
  port: number;
  /** The realm. */
  realm: string;
}

/** An HTTP token (header names, methods). */
export const TOKEN: RegExp = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;
const RESTRICTED: ReadonlySet<string> = new Set([
  "content-length",
  "host",
  "trailer",
  "te",
  "upgrade",
  "cookie2",
  "keep-alive",
  "transfer-encoding",
]);
const HTTP = new Set(["http:", "https:"]);
const encoder = new TextEncoder();

type BufferLike = { from(text: string, encoding: string): Uint8Array };
// Read on first use, not at import: on Deno the global Buffer starts the Node layer (issue #24).
let cachedBuffer: BufferLike | null | undefined;
const nodeBuffer = (): BufferLike | null =>
  cachedBuffer === undefined
    ? (cachedBuffer = (globalThis as { Buffer?: BufferLike }).Buffer ?? null)
    : cachedBuffer;

/**
 * Checks a header for `setHeader`: a token name, a value without CR, LF or NUL, and none of the
 * headers the network stack owns. Returns the lower-case key and the value as text.
 *
 * @example
 * ```ts
 * checkHeader("X-Test", 1); // { key: "x-test", text: "1" }
 * ```
 */
export function checkHeader(
  name: string,
  value: string | number | readonly string[],
): { key: string; text: string } {
  // Electron's words (lib/common/api/net-client-request.ts), which its spec matches.
  if (typeof name !== "string") {
    throw new TypeError("`name` should be a string in setHeader(name, value)");
  }
  if (value === undefined || value === null) {
    throw new TypeError(`\`value\` required in setHeader("${name}", value)`);
  }
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: '${name}'`);
  const text = Array.isArray(value) ? value.join(", ") : String(value);
  if (BAD_VALUE.test(text)) throw new TypeError(`Invalid value for header '${name}': '${text}'`);
  const key = name.toLowerCase();
  if (RESTRICTED.has(key) || (key === "connection" && /(^|[,\s])upgrade($|[,\s])/i.test(text))) {
    throw new TypeError(`The header ${name} cannot be set`);
  }
  return { key, text };
}

// Anything beyond ASCII: such a value goes on the wire as its UTF-8 bytes.
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * A header value as fetch's `Headers` carry bytes (one character per byte): ASCII stays as it is,
 * anything else becomes its UTF-8 bytes, which is what Electron sends (it hands the value to
 * Chromium as a UTF-8 string). Without this, Latin-1 characters went out as one byte each and any
 * other character failed the request.
 *
 * @example
 * ```ts
 * wireHeaderValue("caf\u00e9"); // "caf\u00c3\u00a9" (the bytes 63 61 66 c3 a9)
 * ```
 */
export function wireHeaderValue(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let bytes = "";
  for (const byte of encoder.encode(text)) bytes += String.fromCharCode(byte);
  return bytes;
}

/**
 * The absolute URL of Electron's request options; throws a TypeError for a bad or non-HTTP one.
 *
 * @example
 * ```ts
 * buildUrl({ hostname: "127.0.0.1", port: 8000, path: "/a?b" }); // "http://127.0.0.1:8000/a?b"
 * ```
 */
export function buildUrl(opts: ClientRequestOptions): string {
  let href: string;
  if (opts.url !== undefined) {
    if (typeof opts.url !== "string") throw new TypeError("ClientRequest: url must be a string");
    href = opts.url;
  } else {
    const protocol = opts.protocol ?? "http:";
    if (typeof opts.path === "string" && / /.test(opts.path)) {
      throw new TypeError("Request path contains unescaped characters");
    }
    // As Electron and Node's url.format: an IPv6 hostname goes in brackets (unless it has them);
    // a falsy port (0, null, "") is no port.
    const hostname = String(opts.hostname ?? "localhost");
    const bracketed = hostname.includes(":") && !hostname.startsWith("[")
      ? `[${hostname}]`
      : hostname;
    const host = opts.host ??
      `${bracketed}${opts.port ? `:${opts.port}` : ""}`;
    const path = opts.path ?? "/";
    href = `${protocol.endsWith(":") ? protocol : `${protocol}:`}//${host}${
      path.startsWith("/") ? path : `/${path}`
    }`;
  }
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new TypeError(`ClientRequest: invalid URL "${href}"`);
  }
  if (!HTTP.has(url.protocol)) {
    throw new TypeError(`ClientRequest only supports http: and https: protocols, got "${href}"`);
  }
  return url.href;
}

/**
 * A body chunk as bytes (strings in `encoding`, UTF-8 by default).
 *
 * @example
 * ```ts
 * toBytes("hi").length; // 2
 * ```
 */
export function toBytes(chunk: string | Uint8Array | ArrayBuffer, encoding?: string): Uint8Array {
  if (typeof chunk === "string") {
    const enc = (encoding ?? "utf8").toLowerCase();
    if (enc === "utf8" || enc === "utf-8") return encoder.encode(chunk);
    const NodeBuffer = nodeBuffer();
    if (NodeBuffer) return NodeBuffer.from(chunk, enc);
    throw new TypeError(`Unsupported encoding "${encoding}"`);
  }
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) {
    const view = chunk as ArrayBufferView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  throw new TypeError("write(): the chunk must be a string, an ArrayBuffer or a Uint8Array");
}

/**
 * The chunks as one array (null for none).
 *
 * @example
 * ```ts
 * concat([new Uint8Array(1), new Uint8Array(2)])?.length; // 3
 * ```
 */
export function concat(chunks: Uint8Array[]): Uint8Array | null {
  if (chunks.length === 0) return null;
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
