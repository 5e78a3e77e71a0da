/**
 * The `Set-Cookie` parser of RFC 6265bis §5.6 as Chromium applies it: nameless cookies, a line cut
 * at NUL/CR/LF, other control characters refused, name plus value at most 4096 bytes, attribute
 * values over 1024 bytes ignored, the last occurrence of an attribute wins (an invalid last
 * `Expires` or `Max-Age`, or an empty last `Domain`, cancels the earlier ones).
 *
 * @module
 */
import { parseCookieDate } from "./cookie_date.ts";

/**
 * The largest name plus value, in bytes (RFC 6265bis §5.6).
 *
 * @example
 * ```ts
 * MAX_NAME_VALUE_BYTES; // 4096
 * ```
 */
export const MAX_NAME_VALUE_BYTES = 4096;
/**
 * The largest attribute value, in bytes; longer values are ignored (RFC 6265bis §5.6).
 *
 * @example
 * ```ts
 * MAX_ATTRIBUTE_VALUE_BYTES; // 1024
 * ```
 */
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

/**
 * A copy of a substring that does not keep the whole header alive: V8 represents long substrings
 * (13 characters or more) as views of their parent string, so a stored value would otherwise hold
 * every attribute too. Joining two pieces builds a fresh flat string of the value's own size.
 *
 * @example
 * ```ts
 * const line = "sid=0123456789abcdef; Path=/; Domain=example.org; Secure";
 * const value = detach(line.slice(4, 20)); // no longer holds `line`
 * ```
 */
export function detach(s: string): string {
  if (s.length < 13) return s;
  return [s.slice(0, 1), s.slice(1)].join("");
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
  // One pass over the line: the first ';' and '=', and control characters (other than HTAB):
  // NUL, CR and LF cut the line there, as Chromium does; any other one refuses it.
  let end = line.length;
  let semi = -1;
  let eq = -1;
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x3b) {
      semi = i;
      break;
    }
    if (c === 0x3d) {
      if (eq < 0) eq = i;
    } else if (c < 0x20 || c === 0x7f) {
      if (c === 0x00 || c === 0x0a || c === 0x0d) {
        end = i;
        break;
      }
      if (c !== 0x09) return null;
    }
  }
  if (semi < 0) semi = end;
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
  // Chromium refuses a horizontal tab inside a name or value (only the trimmed ends may have
  // one), and a nameless cookie whose value holds '=' (it would read back as another name).
  if (name.includes("\t") || value.includes("\t")) return null;
  if (name.length === 0 && value.includes("=")) return null;
  if (
    name.length + value.length > MAX_NAME_VALUE_BYTES / 4 &&
    utf8Length(name) + utf8Length(value) > MAX_NAME_VALUE_BYTES
  ) {
    return null;
  }
  const out: ParsedSetCookie = {
    name,
    value,
    expires: undefined,
    maxAge: undefined,
    domain: undefined,
    path: undefined,
    secure: false,
    httpOnly: false,
    sameSite: "unspecified",
    priority: "medium",
    partitioned: false,
  };
  let pos = semi;
  while (pos < end) {
    let ks = pos + 1;
    // One pass to the next ';', noting the first '='.
    let next = ks;
    let avEq = -1;
    for (; next < end; next++) {
      const c = line.charCodeAt(next);
      if (c === 0x3b) break;
      if (c === 0x3d) {
        if (avEq < 0) avEq = next;
      } else if (c < 0x20 || c === 0x7f) {
        if (c === 0x00 || c === 0x0a || c === 0x0d) {
          end = next;
          break;
        }
        if (c !== 0x09) return null;
      }
    }
    pos = next;
    let ke = avEq < 0 ? next : avEq;
    while (ks < ke && isWsp(line.charCodeAt(ks))) ks++;
    while (ke > ks && isWsp(line.charCodeAt(ke - 1))) ke--;
    const attribute = attributeAt(line, ks, ke);
    if (attribute === null) continue;
    if (attribute === "max-age") {
      // Read the number in place: no substring for the most common valued attribute. The last
      // Max-Age counts, as in Chromium: an invalid one cancels an earlier valid one.
      const n = avEq < 0 ? null : maxAgeAt(line, avEq + 1, next);
      out.maxAge = n ?? undefined;
      continue;
    }
    const val = avEq < 0 ? "" : trimWsp(line, avEq + 1, next);
    if (val.length > MAX_ATTRIBUTE_VALUE_BYTES / 4 && utf8Length(val) > MAX_ATTRIBUTE_VALUE_BYTES) {
      continue;
    }
    applyAttribute(out, attribute, val);
  }
  return out;
}

/** The attribute named by `line[start, end)` (ASCII case-insensitively), without allocating. */
function attributeAt(line: string, start: number, end: number): string | null {
  let name: string;
  switch (end - start) {
    case 4:
      name = "path";
      break;
    case 6:
      name = (line.charCodeAt(start) | 0x20) === 0x64 ? "domain" : "secure";
      break;
    case 7:
      name = (line.charCodeAt(start) | 0x20) === 0x65 ? "expires" : "max-age";
      break;
    case 8: {
      const c = line.charCodeAt(start) | 0x20;
      name = c === 0x68 ? "httponly" : c === 0x73 ? "samesite" : "priority";
      break;
    }
    case 11:
      name = "partitioned";
      break;
    default:
      return null;
  }
  for (let i = 0; i < name.length; i++) {
    const c = line.charCodeAt(start + i);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name.charCodeAt(i)) return null;
  }
  return name;
}

/** `s` in lower case; `s` itself when it has no upper-case ASCII letter. */
function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return s.toLowerCase();
  }
  return s;
}

/** Whether `s` equals the lower-case ASCII word `lower`, ignoring ASCII case. */
function sameAscii(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** A Max-Age value (`-?DIGIT+`, spaces around allowed) read from `line[start, end)`, or null. */
function maxAgeAt(line: string, start: number, end: number): number | null {
  while (start < end && isWsp(line.charCodeAt(start))) start++;
  while (end > start && isWsp(line.charCodeAt(end - 1))) end--;
  if (end - start > MAX_ATTRIBUTE_VALUE_BYTES) return null;
  let i = start;
  const negative = line.charCodeAt(i) === 0x2d;
  if (negative || line.charCodeAt(i) === 0x2b) i++; // Chromium reads `+10` as 10
  if (i === end) return null;
  let n = 0;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
    n = n * 10 + (c - 0x30);
  }
  return negative ? -n : n;
}

function applyAttribute(out: ParsedSetCookie, key: string, val: string): void {
  switch (key) {
    case "expires": {
      // The last Expires counts, as in Chromium: an invalid one cancels an earlier valid one.
      out.expires = parseCookieDate(val) ?? undefined;
      break;
    }
    case "domain": {
      // The last Domain counts; an empty one makes the cookie host-only again (Chromium).
      out.domain = val.length === 0
        ? undefined
        : lowerAscii(val.charCodeAt(0) === 0x2e ? val.slice(1) : val);
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
    case "samesite":
      out.sameSite = sameAscii(val, "lax")
        ? "lax"
        : sameAscii(val, "strict")
        ? "strict"
        : sameAscii(val, "none")
        ? "none"
        : "unspecified";
      break;
    case "priority":
      if (sameAscii(val, "low")) out.priority = "low";
      else if (sameAscii(val, "medium")) out.priority = "medium";
      else if (sameAscii(val, "high")) out.priority = "high";
      break;
    case "partitioned":
      out.partitioned = true;
      break;
  }
}
