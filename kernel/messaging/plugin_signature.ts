/**
 * Plugin signatures: a detached JWS (jose; EdDSA or ES256) over the SHA-256 of a plugin's
 * `manifest.json` and of every file the manifest lists (the entry and `files`). The signature lives
 * next to the manifest in `manifest.sig.json`; its header carries the signer's public key, which
 * must be one of the keys a session trusts.
 *
 * @module
 */
import type { JWK as JoseJwk } from "jose";
import type { Manifest } from "../manifest.ts";

/**
 * A JSON Web Key (the WebCrypto `JsonWebKey` dictionary).
 *
 * @example
 * ```ts
 * const key: JWK = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" };
 * ```
 */
export type JWK = JsonWebKey;

/** jose, loaded on the first signature made or checked (not when websession is imported). */
const jose = () => import("jose");

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

function canonical(manifest: string, files: Record<string, string>): Uint8Array {
  const sorted = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
  return new TextEncoder().encode(JSON.stringify({ manifest, files: sorted }));
}

async function digests(
  manifestUrl: URL,
  manifest: Pick<Manifest, "entry" | "files">,
): Promise<{ manifest: string; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  for (const path of signedFiles(manifest)) {
    files[path] = await sha256Hex(await readBytes(new URL(path, manifestUrl)));
  }
  return { manifest: await sha256Hex(await readBytes(manifestUrl)), files };
}

function b64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
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
  if (!privateJwk || typeof privateJwk !== "object" || typeof privateJwk.d !== "string") {
    throw new TypeError("signPlugin needs a private JWK (with d)");
  }
  const alg = privateJwk.kty === "OKP" ? "EdDSA" : privateJwk.kty === "EC" ? "ES256" : null;
  if (alg === null) throw new TypeError(`Unsupported key type "${privateJwk.kty}" (use OKP or EC)`);
  const raw = JSON.parse(new TextDecoder().decode(await readBytes(manifestUrl)));
  const entry = typeof raw.entry === "string" ? raw.entry : "../mod.ts";
  const list = Array.isArray(raw.files) ? raw.files : [];
  const sums = await digests(manifestUrl, { entry, files: list });
  const { d: _d, ...publicJwk } = privateJwk;
  const { CompactSign, importJWK } = await jose();
  const key = await importJWK(privateJwk as JoseJwk, alg);
  const compact = await new CompactSign(canonical(sums.manifest, sums.files))
    .setProtectedHeader({ alg, jwk: publicJwk, typ: "websession-plugin+jws" })
    .sign(key);
  const [header, , sig] = compact.split(".");
  return { ...sums, jws: `${header}..${sig}` };
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
  const { calculateJwkThumbprint } = await jose();
  return await calculateJwkThumbprint(jwk as JoseJwk);
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
  const name = manifest.name;
  let signature: PluginSignature;
  try {
    const bytes = await readBytes(new URL(SIGNATURE_FILE, manifestUrl));
    signature = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    if (options.requireSignature) {
      throw new PluginSignatureError(name, "unsigned", `Plugin ${name} is unsigned`);
    }
    return null;
  }
  const tampered = (what: string) =>
    new PluginSignatureError(name, "tampered", `Plugin ${name} is tampered: ${what}`);
  if (
    !signature || typeof signature.jws !== "string" || typeof signature.manifest !== "string" ||
    typeof signature.files !== "object" || signature.files === null
  ) {
    throw tampered(`${SIGNATURE_FILE} is malformed`);
  }
  const [header, empty, sig] = signature.jws.split(".");
  if (empty !== "" || !header || !sig) throw tampered(`${SIGNATURE_FILE} has no detached JWS`);
  const payload = b64url(canonical(signature.manifest, signature.files));
  const { compactVerify, EmbeddedJWK } = await jose();
  let signer: JWK;
  try {
    const result = await compactVerify(`${header}.${payload}.${sig}`, EmbeddedJWK, {
      algorithms: ["EdDSA", "ES256"],
    });
    signer = result.protectedHeader.jwk as JWK;
  } catch {
    throw tampered("the signature does not match the signed digests");
  }
  const actual = await digests(manifestUrl, manifest);
  if (actual.manifest !== signature.manifest) throw tampered("manifest.json changed");
  for (const [path, sum] of Object.entries(actual.files)) {
    if (signature.files[path] === undefined) throw tampered(`${path} is not signed`);
    if (signature.files[path] !== sum) throw tampered(`${path} changed`);
  }
  const thumbprint = await keyThumbprint(signer);
  const trusted = await Promise.all((options.trustedKeys ?? []).map((k) => keyThumbprint(k)));
  if (!trusted.includes(thumbprint)) {
    if (options.requireSignature || trusted.length > 0) {
      throw new PluginSignatureError(
        name,
        "untrusted",
        `Plugin ${name} is signed by an untrusted key (${thumbprint})`,
      );
    }
  }
  return thumbprint;
}
