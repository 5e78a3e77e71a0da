/**
 * Chrome's `details.requestBody` (extraInfoSpec `'requestBody'` of `onBeforeRequest`): given for
 * POST and PUT only; a body that parses as a form is `formData` alone, any other body `raw` alone,
 * as Chromium's web_request_info.cc tries its form presenter first and its raw one only when that
 * fails. The form readers follow Chromium's form_data_parser.cc: URL-encoded pairs of RFC 1738
 * characters separated by `&` (no content type counts as URL-encoded), and multipart/form-data
 * whose parts give a field's text, a file's name, or the bytes of a part sent as
 * `application/octet-stream`. Anything they cannot read whole leaves the body `raw`.
 *
 * @module
 */

/** A value of `formData`: text, or bytes that are not UTF-8 (or an octet-stream part). */
type FormValue = string | ArrayBuffer;
type Form = Record<string, FormValue[]>;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const utf8 = new TextDecoder();
/** One `name=value` pair of RFC 1738 characters, at the start of what is left. */
const URL_ENCODED_PAIR =
  /(?:[a-zA-Z0-9$_.+!*'(),-]|%[a-fA-F0-9]{2})*=(?:[a-zA-Z0-9$_.+!*'(),-]|%[a-fA-F0-9]{2})*/y;

/** Bytes as a string of one character per byte (latin1), so that offsets are byte offsets. */
function binary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** `%XX` escapes (and, for URL-encoded forms, `+`) decoded into bytes. */
function unescape(text: string, plusIsSpace: boolean): Uint8Array {
  const spaced = plusIsSpace ? text.replaceAll("+", " ") : text;
  const decoded = spaced.replace(
    /%([0-9a-fA-F]{2})/g,
    (_, hex: string) => String.fromCharCode(parseInt(hex, 16)),
  );
  return bytesOf(decoded);
}

/** Text when the bytes are UTF-8, else the bytes. */
function formValue(bytes: Uint8Array): FormValue {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.slice().buffer;
  }
}

function add(form: Form, name: string, value: FormValue): void {
  (form[name] ??= []).push(value);
}

function urlEncoded(source: string): Form | null {
  const form: Form = {};
  let at = 0;
  for (;;) {
    URL_ENCODED_PAIR.lastIndex = at;
    const pair = URL_ENCODED_PAIR.exec(source);
    if (pair !== null) {
      at += pair[0].length;
      const equals = pair[0].indexOf("=");
      const name = utf8.decode(unescape(pair[0].slice(0, equals), true));
      add(form, name, formValue(unescape(pair[0].slice(equals + 1), true)));
    }
    if (at < source.length) {
      if (source[at] !== "&") return null; // two pairs without '&' between them
      at++;
    }
    if (pair === null) return at >= source.length ? form : null;
  }
}

/** The header pattern of a part: a field name, then text with folded lines, then CRLF. */
const PART_HEADER = /[!-9;-~]+:(?:[^\n]|\r\n[\t ])*?\r\n(?![\t ])/y;
const OCTET_STREAM = "Content-Type: application/octet-stream\r\n";
const PADDING = /[ \t]*\r\n/y;

function multipart(source: string, boundary: string): Form | null {
  const dash = `--${boundary}`;
  const form: Form = {};
  let at = 0;
  /** One line of a part's data: up to the first CRLF, which no other CR may stand before. */
  const line = (): boolean => {
    const end = source.indexOf("\r\n", at);
    if (end < 0 || (end > at && source[end - 1] === "\r")) return false;
    at = end + 2;
    return true;
  };
  const sticky = (pattern: RegExp): boolean => {
    pattern.lastIndex = at;
    if (!pattern.test(source)) return false;
    at = pattern.lastIndex;
    return true;
  };
  // the preamble (no line breaks), the first boundary and its line end
  while (!source.startsWith(dash, at)) {
    if (at >= source.length || source[at] === "\n") return null;
    at++;
  }
  at += dash.length;
  if (!sticky(PADDING)) return null;
  for (;;) {
    let name: string | null = null;
    let fileName: string | null = null;
    let octets = false;
    for (;;) {
      if (source.startsWith(OCTET_STREAM, at)) {
        at += OCTET_STREAM.length;
        octets = true;
        continue;
      }
      const start = at;
      if (!sticky(PART_HEADER)) break;
      const header = source.slice(start, at - 2);
      if (!/^content-disposition:/i.test(header)) continue;
      const params = header.slice("content-disposition:".length);
      const named = /\bname="([^"]*)"/.exec(params);
      if (named === null) return null;
      name = named[1];
      fileName = /\bfilename="([^"]*)"/.exec(params)?.[1] ?? fileName;
    }
    if (!name || !source.startsWith("\r\n", at)) return null;
    at += 2;
    // the part's data: whole lines up to the next boundary
    const dataStart = at;
    while (!source.startsWith(dash, at)) if (!line()) return null;
    if (fileName === null && at === dataStart) return null;
    const data = bytesOf(source.slice(dataStart, Math.max(dataStart, at - 2)));
    const value = fileName !== null ? fileName : octets ? data.slice().buffer : utf8.decode(data);
    add(form, utf8.decode(unescape(name, false)), value);
    at += dash.length;
    if (source.startsWith("--", at)) return form; // the closing boundary; the epilogue is free
    if (!sticky(PADDING)) return null;
  }
}

/** The form in a body, read as its `content-type` says, or null when it is no form. */
function parseForm(bytes: Uint8Array, contentType: string | null): Form | null {
  if (contentType === null) return urlEncoded(binary(bytes));
  const type = contentType.split(";")[0].toLowerCase();
  if (type === "application/x-www-form-urlencoded") return urlEncoded(binary(bytes));
  if (type !== "multipart/form-data") return null;
  const offset = contentType.indexOf("boundary=");
  if (offset < 0) return null;
  const end = contentType.indexOf(";", offset);
  const boundary = contentType.slice(offset + 9, end < 0 ? undefined : end);
  return boundary === "" ? null : multipart(binary(bytes), boundary);
}

/**
 * Chrome's `requestBody` for a request, or undefined when Chrome gives none (not POST or PUT, or
 * no body). A body that is not in memory (a stream) is `{ error: "Unknown error." }`, as Chrome
 * says of the upload elements it cannot read.
 *
 * @example
 * ```ts
 * const body = new TextEncoder().encode("a=1&a=2");
 * chromeRequestBody("POST", null, body); // { formData: { a: ["1", "2"] } }
 * chromeRequestBody("PATCH", null, body); // undefined
 * ```
 */
export function chromeRequestBody(
  method: string,
  contentType: string | null,
  body: unknown,
): Record<string, unknown> | undefined {
  if ((method !== "POST" && method !== "PUT") || body === null || body === undefined) {
    return undefined;
  }
  if (!(body instanceof Uint8Array)) return { error: "Unknown error." };
  const form = parseForm(body, contentType);
  if (form !== null) return { formData: form };
  return { raw: [{ bytes: body.slice().buffer }] };
}
