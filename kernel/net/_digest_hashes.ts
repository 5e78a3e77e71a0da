/**
 * Digest auth's hashes (@noble/hashes: MD5, SHA-256, SHA-512/256, their tables built at import),
 * loaded by `digest.ts` with the first Digest challenge (issue #24), as hex-string functions.
 *
 * @module
 */
import { md5 } from "@noble/hashes/legacy.js";
import { sha256, sha512_256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

const HASHES: Record<string, (data: Uint8Array) => Uint8Array> = {
  "MD5": md5,
  "SHA-256": sha256,
  "SHA-512-256": sha512_256,
};

/**
 * The hex hash of a text for a Digest algorithm (`-sess` ignored), or null for one not known.
 *
 * @example
 * ```ts
 * hashFor("MD5")!("a"); // "0cc175b9c0f1b6a831c399e269772661"
 * ```
 */
export function hashFor(algorithm: string): ((text: string) => string) | null {
  const fn = HASHES[algorithm.toUpperCase().replace(/-SESS$/, "")];
  return fn ? (text) => bytesToHex(fn(utf8ToBytes(text))) : null;
}
