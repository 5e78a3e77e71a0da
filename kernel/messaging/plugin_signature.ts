/**
 * Plugin signatures: a detached JWS (jose; EdDSA or ES256) over the SHA-256 of a plugin's
 * `manifest.json` and of every file the manifest lists (the entry and `files`). The signature lives
 * next to the manifest in `manifest.sig.json`; its header carries the signer's public key, which
 * must be one of the keys a session trusts.
 *
 * @module
 */
import type { Manifest } from "../manifest.ts";
import { onFirstUse } from "../lazy.ts";

/**
 * A JSON Web Key (the WebCrypto `JsonWebKey` dictionary).
 *
 * @example
 * ```ts
 * const key: JWK = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" };
 * ```
 */
export type JWK = JsonWebKey;

/**
 * Making and checking signatures (`_plugin_jws.ts`, with jose), loaded on the first signature made
 * or checked (not when websession is imported; in the browser bundle, a chunk).
 */
const jws = onFirstUse(
  "plugin signatures (kernel/messaging/_plugin_jws.ts)",
  () => import("./_plugin_jws.ts"),
);

/**
 * The name of the signature file next to `manifest.json`.
 *
 * @example
 * ```ts
 * new URL(SIGNATURE_FILE, manifestUrl); // .../manifest.sig.json
 * ```
 */
export const SIGNATURE_FILE = "manifest.sig.json";

/**
 * What `manifest.sig.json` holds.
 *
 * @example
 * ```ts
 * const signature: PluginSignature = JSON.parse(await Deno.readTextFile("plugin/manifest.sig.json"));
 * ```
 */
export interface PluginSignature {
  /** SHA-256 (hex) of `manifest.json` as stored. */
  manifest: string;
  /** SHA-256 (hex) of every file the manifest lists, by its path in the manifest. */
  files: Record<string, string>;
  /** The detached compact JWS (`header..signature`) over the canonical JSON of the two above. */
  jws: string;
}

/**
 * Why a plugin's signature was refused.
 *
 * @example
 * ```ts
 * if (error instanceof PluginSignatureError && error.reason === "untrusted") console.log("unknown signer");
 * ```
 */
export type SignatureProblem = "unsigned" | "tampered" | "untrusted";

/**
 * A plugin refused for its signature: `reason` says whether it was unsigned, tampered with, or
 * signed by a key the session does not trust.
 *
 * @example
 * ```ts
 * const error = new PluginSignatureError("hello", "unsigned", "Plugin hello is unsigned");
 * error.reason; // "unsigned"
 * ```
 */
export class PluginSignatureError extends Error {
  /** The plugin's name. */
  readonly plugin: string;
  /** What was wrong. */
  readonly reason: SignatureProblem;

  /** Makes the error. */
  constructor(plugin: string, reason: SignatureProblem, message: string) {
    super(message);
    this.name = "PluginSignatureError";
    this.plugin = plugin;
    this.reason = reason;
  }
}

/**
 * The files a manifest makes part of the plugin (entry first, then `files`), as written there.
 *
 * @example
 * ```ts
 * signedFiles({ entry: "../mod.ts", files: ["../lib.ts"] } as never); // ["../mod.ts", "../lib.ts"]
 * ```
 */
export function signedFiles(manifest: Pick<Manifest, "entry" | "files">): string[] {
  return [...new Set([manifest.entry, ...manifest.files])];
}

/**
 * Reads a file of a plugin (any URL `fetch` can read: file:, http:, https:).
 *
 * @example
 * ```ts
 * const bytes = await readBytes(new URL("data:,hi"));
 * ```
 */
export async function readBytes(url: URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new TypeError(`Cannot read ${url.href}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new TypeError(`Cannot read ${url.href}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The SHA-256 of some bytes, in hex.
 *
 * @example
 * ```ts
 * await sha256Hex(new TextEncoder().encode("")); // "e3b0c442..."
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Signs the plugin whose manifest is at `manifestUrl` with a private JWK (`OKP`/Ed25519 for
 * EdDSA, `EC`/P-256 for ES256); returns what to store as `manifest.sig.json`.
 *
 * @example
 * ```ts
 * import { exportJWK, generateKeyPair } from "jose";
 * const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
 * const signature = await signPlugin(new URL("file:///plugins/hello/manifest.json"),
 *   await exportJWK(privateKey));
 * ```
 */
export async function signPlugin(manifestUrl: URL, privateJwk: JWK): Promise<PluginSignature> {
  return await (await jws()).signPlugin(manifestUrl, privateJwk);
}

/**
 * The JWK thumbprint (RFC 7638) a trusted key is known by.
 *
 * @example
 * ```ts
 * await keyThumbprint({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
 * ```
 */
export async function keyThumbprint(jwk: JWK): Promise<string> {
  return await (await jws()).keyThumbprint(jwk);
}

/**
 * Checks a plugin's signature. Returns the signer's thumbprint, or null for an unsigned plugin
 * when `requireSignature` is false. Throws a {@linkcode PluginSignatureError} that says whether
 * the plugin is unsigned, tampered with, or signed by a key not in `trustedKeys`.
 *
 * @example
 * ```ts
 * await verifyPlugin(new URL("file:///plugins/hello/manifest.json"), manifest,
 *   { trustedKeys: [publicJwk], requireSignature: true });
 * ```
 */
export async function verifyPlugin(
  manifestUrl: URL,
  manifest: Manifest,
  options: { trustedKeys?: readonly JWK[]; requireSignature?: boolean },
): Promise<string | null> {
  return await (await jws()).verifyPlugin(manifestUrl, manifest, options);
}
