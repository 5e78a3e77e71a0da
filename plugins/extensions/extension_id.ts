/**
 * Chromium's extension ids: the first 128 bits of the SHA-256 of the manifest's `key` (the
 * base64-decoded public key) or, for an unpacked extension without one, of its absolute path,
 * written in hexadecimal with the digits `a`-`p` instead of `0`-`f` (so that an id never looks
 * like a number).
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";

const ALPHABET = "abcdefghijklmnop";

/**
 * The id Chromium derives from arbitrary bytes (`crx_file::id_util::GenerateId`).
 *
 * @example
 * ```ts
 * idFromBytes(new TextEncoder().encode("x")).length; // 32
 * ```
 */
export function idFromBytes(bytes: Uint8Array): string {
  const digest = sha256(bytes);
  let id = "";
  for (let i = 0; i < 16; i++) id += ALPHABET[digest[i] >> 4] + ALPHABET[digest[i] & 15];
  return id;
}

/**
 * The id of an extension: from the manifest's `key` when present (a TypeError names the field
 * when it is not base64), else from its absolute path (lower-cased on Windows, as Chromium does).
 *
 * @example
 * ```ts
 * extensionId({ path: "/opt/ext" }); // 32 letters a-p, the same on every run
 * ```
 */
export function extensionId(options: { key?: string; path: string; windows?: boolean }): string {
  if (options.key !== undefined) {
    let bytes: Uint8Array;
    try {
      const binary = atob(options.key.replace(/\s+/g, ""));
      bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    } catch {
      throw new TypeError('manifest.json: "key" is not valid base64');
    }
    return idFromBytes(bytes);
  }
  const path = options.windows ? options.path.toLowerCase() : options.path;
  return idFromBytes(new TextEncoder().encode(path));
}
