/**
 * Base64 of bytes through the runtime's own `Uint8Array#toBase64` and `Uint8Array.fromBase64`
 * (Deno and Bun have them; TypeScript's ES2023 library does not declare them yet, hence the casts).
 *
 * @module
 */

interface Base64Bytes {
  toBase64(): string;
}
interface Base64Constructor {
  fromBase64(text: string): Uint8Array<ArrayBuffer>;
}

/**
 * The base64 text of `bytes`.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([104, 105])); // "aGk="
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  return (bytes as unknown as Base64Bytes).toBase64();
}

/**
 * The bytes of a base64 text.
 *
 * @example
 * ```ts
 * fromBase64("aGk="); // Uint8Array [104, 105]
 * ```
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return (Uint8Array as unknown as Base64Constructor).fromBase64(text);
}
