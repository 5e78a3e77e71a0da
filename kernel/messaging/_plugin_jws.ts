/**
 * Making and checking plugin signatures (`plugin_signature.ts` says what they are): the detached
 * JWS with jose, loaded on the first signature made or checked (cold start, #24).
 *
 * @module
 */
import type { JWK as JoseJwk } from "jose";
import type { Manifest } from "../manifest.ts";
import {
  type JWK,
  type PluginSignature,
  PluginSignatureError,
  readBytes,
  sha256Hex,
  SIGNATURE_FILE,
  signedFiles,
} from "./plugin_signature.ts";

/** jose, loaded on the first signature made or checked (not when websession is imported). */
const jose = () => import("jose");

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
 * `signPlugin`'s work (`plugin_signature.ts`): signs the plugin whose manifest is at `manifestUrl`.
 *
 * @example
 * ```ts ignore
 * const signature = await signPlugin(new URL("file:///plugins/hello/manifest.json"), privateJwk);
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
 * `keyThumbprint`'s work (`plugin_signature.ts`): a JWK's RFC 7638 thumbprint.
 *
 * @example
 * ```ts ignore
 * await keyThumbprint(publicJwk);
 * ```
 */
export async function keyThumbprint(jwk: JWK): Promise<string> {
  const { calculateJwkThumbprint } = await jose();
  return await calculateJwkThumbprint(jwk as JoseJwk);
}

/**
 * `verifyPlugin`'s work (`plugin_signature.ts`): the signer's thumbprint, null for an unsigned
 * plugin when no signature is required, or a {@linkcode PluginSignatureError}.
 *
 * @example
 * ```ts ignore
 * await verifyPlugin(manifestUrl, manifest, { trustedKeys: [publicJwk], requireSignature: true });
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
