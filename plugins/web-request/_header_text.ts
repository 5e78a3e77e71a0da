/**
 * Header values between the wire and listeners: fetch's `Headers` hold each byte as one
 * character (a ByteString), while Chromium hands webRequest listeners the UTF-8 the server sent.
 *
 * @module
 */

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * A header value as listeners see it: the bytes decoded as UTF-8 when they are valid UTF-8 (a
 * `content-disposition` with `filename*=` or a raw UTF-8 name), else as they are.
 *
 * @example
 * ```ts
 * fromByteString("caf\u00c3\u00a9"); // "café"
 * fromByteString("caf\u00e9"); // "café" (latin1, not valid UTF-8: unchanged)
 * ```
 */
export function fromByteString(value: string): string {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return value;
    if (c > 0x7f) high = true;
  }
  if (!high) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  try {
    return decoder.decode(bytes);
  } catch {
    return value;
  }
}

/**
 * A listener's header value as `Headers` takes it: as Chromium converts a JavaScript string, every
 * character beyond ASCII becomes its UTF-8 bytes, one character each (the inverse of
 * {@linkcode fromByteString}).
 *
 * @example
 * ```ts
 * toByteString("café"); // "caf\u00c3\u00a9"
 * ```
 */
export function toByteString(value: string): string {
  let ascii = true;
  for (let i = 0; i < value.length && ascii; i++) ascii = value.charCodeAt(i) < 0x80;
  if (ascii) return value;
  let out = "";
  for (const b of encoder.encode(value)) out += String.fromCharCode(b);
  return out;
}
