/**
 * Cookies as bytes and as stored rows: the `Cookie` header value as a ByteString (UTF-8 bytes),
 * `Set-Cookie` ByteStrings decoded as UTF-8, and the compact row a persistent store keeps per
 * cookie.
 *
 * @module
 */
import { CookieRecord, SESSION_EXPIRY } from "./cookie.ts";
import type { StoreValue } from "../../kernel/store.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Turns a header value received as a ByteString (one character per byte) into text by decoding
 * its bytes as UTF-8 (invalid sequences become U+FFFD).
 *
 * @example
 * ```ts
 * fromByteString("caf\u00c3\u00a9"); // "café"
 * ```
 */
export function fromByteString(bytes: string): string {
  if (isAscii(bytes)) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i) & 0xff;
  return decoder.decode(out);
}

/**
 * Turns text into a ByteString holding its UTF-8 bytes, as `Headers` needs for non-ASCII values.
 *
 * @example
 * ```ts
 * toByteString("café"); // "caf\u00c3\u00a9"
 * ```
 */
export function toByteString(text: string): string {
  if (isAscii(text)) return text;
  const bytes = encoder.encode(text);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
}

/** One stored cookie: `[name, value, domain, path, expires, created, lastAccess, flags, partitionKey, seq]`. */
export type CookieRow = [
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  string,
  number,
];

/**
 * The row a store keeps for a cookie (times in cookie seconds).
 *
 * @example
 * ```ts
 * import { CookieRecord, F_HOST_ONLY, SESSION_EXPIRY } from "./cookie.ts";
 * toRow(new CookieRecord("a", "1", "example.org", "/", SESSION_EXPIRY, 1, 0, F_HOST_ONLY, ""));
 * ```
 */
export function toRow(c: CookieRecord): CookieRow {
  return [
    c.name,
    c.value,
    c.domain,
    c.path,
    c.expires,
    c.created,
    c.lastAccess,
    c.flags,
    c.partitionKey,
    c.seq,
  ];
}

/**
 * The cookie of a stored row, or null when the row is not one.
 *
 * @example
 * ```ts
 * fromRow(["a", "1", "example.org", "/", 0x3fffffff, 0, 0, 1, "", 1])?.name; // "a"
 * ```
 */
export function fromRow(row: StoreValue): CookieRecord | null {
  if (!Array.isArray(row) || row.length !== 10) return null;
  const [name, value, domain, path, expires, created, lastAccess, flags, partitionKey, seq] = row;
  if (
    typeof name !== "string" || typeof value !== "string" || typeof domain !== "string" ||
    typeof path !== "string" || typeof expires !== "number" || typeof created !== "number" ||
    typeof lastAccess !== "number" || typeof flags !== "number" ||
    typeof partitionKey !== "string" || typeof seq !== "number"
  ) {
    return null;
  }
  const record = new CookieRecord(
    name,
    value,
    domain,
    path,
    expires,
    seq,
    created,
    flags,
    partitionKey,
  );
  record.lastAccess = lastAccess;
  return record;
}

/**
 * Whether a stored cookie is a session cookie (no expiry).
 *
 * @example
 * ```ts
 * isSessionRow(fromRow(["a", "1", "x.test", "/", 0x3fffffff, 0, 0, 1, "", 1])!); // true
 * ```
 */
export function isSessionRow(record: CookieRecord): boolean {
  return record.expires === SESSION_EXPIRY;
}
