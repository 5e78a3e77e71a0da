/**
 * The signature header-signer adds: HMAC-SHA256 over `METHOD PATH\nDATE` with the API's key, in
 * hex, sent as `x-signature` next to `x-signature-date`.
 *
 * @module
 */

/** Imports a raw HMAC-SHA256 key. */
export function importKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** The text that is signed. */
export function signedText(method: string, path: string, date: string): string {
  return `${method} ${path}\n${date}`;
}

/** The hex HMAC-SHA256 of `text`. */
export async function sign(key: CryptoKey, text: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
