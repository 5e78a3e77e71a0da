/**
 * The HAR 1.2 shapes websession writes and reads (the parts of the format it uses).
 *
 * @module
 */

/** A name/value pair (headers, query parameters). */
export interface HarNameValue {
  /** The name. */
  name: string;
  /** The value. */
  value: string;
}

/** A cookie. */
export interface HarCookie extends HarNameValue {
  /** Path. */
  path?: string;
  /** Domain. */
  domain?: string;
  /** Expiry (ISO 8601). */
  expires?: string;
  /** HttpOnly. */
  httpOnly?: boolean;
  /** Secure. */
  secure?: boolean;
}

/** A request. */
export interface HarRequest {
  /** Method. */
  method: string;
  /** Absolute URL. */
  url: string;
  /** e.g. `HTTP/1.1`. */
  httpVersion: string;
  /** Cookies sent. */
  cookies: HarCookie[];
  /** Headers sent. */
  headers: HarNameValue[];
  /** Query parameters. */
  queryString: HarNameValue[];
  /** The body, when there is one. */
  postData?: { mimeType: string; text: string; params?: HarNameValue[] };
  /** -1: not known. */
  headersSize: number;
  /** Body bytes (-1: not known). */
  bodySize: number;
}

/** A response body. */
export interface HarContent {
  /** Bytes of the body. */
  size: number;
  /** Its media type. */
  mimeType: string;
  /** The body (base64 when `encoding` says so). */
  text?: string;
  /** `base64` for binary bodies. */
  encoding?: string;
  /** Playwright's attached body file, relative to the HAR. */
  _file?: string;
}

/** A response. */
export interface HarResponse {
  /** Status. */
  status: number;
  /** Status text. */
  statusText: string;
  /** e.g. `HTTP/1.1`. */
  httpVersion: string;
  /** Cookies set. */
  cookies: HarCookie[];
  /** Headers received. */
  headers: HarNameValue[];
  /** The body. */
  content: HarContent;
  /** The `Location` of a redirect, or "". */
  redirectURL: string;
  /** -1: not known. */
  headersSize: number;
  /** Body bytes (-1: not known). */
  bodySize: number;
}

/** HAR timings in ms (-1: does not apply). */
export interface HarTimings {
  /** Waiting before sending (the pipeline's stages before the transport). */
  blocked: number;
  /** DNS. */
  dns: number;
  /** Connecting. */
  connect: number;
  /** Sending. */
  send: number;
  /** Waiting for the response headers. */
  wait: number;
  /** Reading the body. */
  receive: number;
  /** TLS. */
  ssl: number;
}

/** One request/response pair (one hop: a redirect is an entry of its own). */
export interface HarEntry {
  /** When the hop started (ISO 8601). */
  startedDateTime: string;
  /** Total ms. */
  time: number;
  /** The request. */
  request: HarRequest;
  /** The response. */
  response: HarResponse;
  /** Cache info (none). */
  cache: Record<string, never>;
  /** Timings. */
  timings: HarTimings;
  /** The resource type (Chrome's extension field). */
  _resourceType?: string;
}

/** A HAR file. */
export interface Har {
  /** The log. */
  log: {
    /** `1.2`. */
    version: string;
    /** Who wrote it. */
    creator: { name: string; version: string };
    /** Pages (websession has none). */
    pages?: unknown[];
    /** Every hop recorded. */
    entries: HarEntry[];
  };
}

/** File access for HAR files and attached bodies (handed by the entry: `node:fs`). */
export interface HarFiles {
  /** Reads a text file. */
  readText(path: string): Promise<string>;
  /** Reads a binary file. */
  readBytes(path: string): Promise<Uint8Array>;
  /** Writes a text file (folders made as needed). */
  writeText(path: string, text: string): Promise<void>;
  /** Writes a binary file (folders made as needed). */
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
}
