/**
 * The `Set-Cookie` parser of RFC 6265bis §5.6 as Chromium applies it: nameless cookies, a line cut
 * at NUL/CR/LF, other control characters refused, name plus value at most 4096 bytes, attribute
 * values over 1024 bytes ignored, the last valid occurrence of an attribute wins.
 *
 * @module
 */
import { parseCookieDate } from "./cookie_date.ts";

/** The largest name plus value, in bytes (RFC 6265bis §5.6). */
export const MAX_NAME_VALUE_BYTES = 4096;
/** The largest attribute value, in bytes; longer values are ignored (RFC 6265bis §5.6). */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;

/** A `SameSite` value as parsed; `unspecified` is treated as `lax`. */
export type SameSiteValue = "unspecified" | "none" | "lax" | "strict";
/** Chromium's `Priority` attribute, used by eviction. */
export type PriorityValue = "low" | "medium" | "high";

/** A parsed `Set-Cookie` line: the name, value and the attributes that were valid. */
export interface ParsedSetCookie {
  /** The cookie name (may be empty: a nameless cookie). */
  name: string;
  /** The cookie value. */
  value: string;
  /** `Expires` in milliseconds since the epoch, when valid. */
  expires?: number;
  /** `Max-Age` in seconds, when valid (zero or negative expires the cookie). */
  maxAge?: number;
  /** `Domain`, lower-cased, leading dot removed; absent when there was none (or only empty ones). */
  domain?: string;
  /** `Path`; `""` when the last one was empty or did not start with `/` (use the default path). */
  path?: string;
  /** `Secure` present. */
  secure: boolean;
  /** `HttpOnly` present. */
  httpOnly: boolean;
  /** `SameSite` (the last one; an unknown value gives `unspecified`). */
  sameSite: SameSiteValue;
  /** `Priority` (Chromium), `medium` unless given. */
  priority: PriorityValue;
  /** `Partitioned` present (CHIPS). */
  partitioned: boolean;
}

/**
 * The UTF-8 length of a string, in bytes.
 *
 * @example
 * ```ts
 * utf8Length("é"); // 2
 * ```
 */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 code units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function trimWsp(s: string, start: number, end: number): string {
  while (start < end && isWsp(s.charCodeAt(start))) start++;
  while (end > start && isWsp(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Parses one `Set-Cookie` header value. Returns null when the line is refused as a whole (control
 * characters, empty name and value, name plus value over 4096 bytes).
 *
 * @example
 * ```ts
 * const c = parseSetCookie("sid=abc; Path=/; Secure; SameSite=Lax");
 * c?.name; // "sid"
 * c?.sameSite; // "lax"
 * ```
 */
export function parseSetCookie(line: string): ParsedSetCookie | null {
  let end = line.length;
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      if (c === 0x00 || c === 0x0a || c === 0x0d) {
        end = i; // Chromium truncates the line at the first NUL, CR or LF
        break;
      }
      if (c !== 0x09) return null;
    }
  }
  let semi = line.indexOf(";");
  if (semi < 0 || semi > end) semi = end;
  const eq = line.indexOf("=");
  let name: string;
  let value: string;
  if (eq < 0 || eq >= semi) {
    name = "";
    value = trimWsp(line, 0, semi);
  } else {
    name = trimWsp(line, 0, eq);
    value = trimWsp(line, eq + 1, semi);
  }
  if (name.length === 0 && value.length === 0) return null;
  if (
    name.length + value.length > MAX_NAME_VALUE_BYTES / 4 &&
    utf8Length(name) + utf8Length(value) > MAX_NAME_VALUE_BYTES
  ) {
    return null;
  }
  const out: ParsedSetCookie = {
    name,
    value,
    secure: false,
    httpOnly: false,
    sameSite: "unspecified",
    priority: "medium",
    partitioned: false,
  };
  let pos = semi;
  while (pos < end) {
    const start = pos + 1;
    let next = line.indexOf(";", start);
    if (next < 0 || next > end) next = end;
    pos = next;
    const avEq = line.indexOf("=", start);
    let key: string;
    let val: string;
    if (avEq < 0 || avEq >= next) {
      key = trimWsp(line, start, next);
      val = "";
    } else {
      key = trimWsp(line, start, avEq);
      val = trimWsp(line, avEq + 1, next);
    }
    if (key.length === 0 || key.length > 11) continue;
    if (val.length > MAX_ATTRIBUTE_VALUE_BYTES / 4 && utf8Length(val) > MAX_ATTRIBUTE_VALUE_BYTES) {
      continue;
    }
    applyAttribute(out, key.toLowerCase(), val);
  }
  return out;
}

function applyAttribute(out: ParsedSetCookie, key: string, val: string): void {
  switch (key) {
    case "expires": {
      const t = parseCookieDate(val);
      if (t !== null) out.expires = t;
      break;
    }
    case "max-age": {
      if (!/^-?\d+$/.test(val)) break;
      out.maxAge = Number(val);
      break;
    }
    case "domain": {
      if (val.length === 0) break; // an empty Domain is ignored entirely
      out.domain = (val.charCodeAt(0) === 0x2e ? val.slice(1) : val).toLowerCase();
      break;
    }
    case "path":
      out.path = val.charCodeAt(0) === 0x2f ? val : "";
      break;
    case "secure":
      out.secure = true;
      break;
    case "httponly":
      out.httpOnly = true;
      break;
    case "samesite": {
      const v = val.toLowerCase();
      out.sameSite = v === "none" || v === "lax" || v === "strict" ? v : "unspecified";
      break;
    }
    case "priority": {
      const v = val.toLowerCase();
      if (v === "low" || v === "medium" || v === "high") out.priority = v;
      break;
    }
    case "partitioned":
      out.partitioned = true;
      break;
  }
}
