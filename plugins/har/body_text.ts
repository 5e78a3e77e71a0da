/**
 * Bodies in a HAR: text for textual media types that decode as UTF-8, base64 otherwise.
 *
 * @module
 */

const TEXTUAL =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)|image\/svg\+xml)/i;

/**
 * A body as HAR content fields.
 *
 * @example
 * ```ts
 * encodeBody(new TextEncoder().encode("hi"), "text/plain"); // { text: "hi" }
 * ```
 */
export function encodeBody(
  bytes: Uint8Array,
  mimeType: string,
): { text: string; encoding?: string } {
  if (TEXTUAL.test(mimeType)) {
    try {
      return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
      // Not UTF-8 after all: base64 below.
    }
  }
  return { text: toBase64(bytes), encoding: "base64" };
}

/**
 * The bytes of HAR content (`text`, base64 when `encoding` is `base64`).
 *
 * @example
 * ```ts
 * new TextDecoder().decode(decodeBody({ text: "aGk=", encoding: "base64" })); // "hi"
 * ```
 */
export function decodeBody(content: { text?: string; encoding?: string }): Uint8Array {
  const text = content.text ?? "";
  if (content.encoding === "base64") {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  return new TextEncoder().encode(text);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
