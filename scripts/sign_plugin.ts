/**
 * `deno task sign-plugin`: signs a third-party plugin, or makes a signing key.
 *
 * ```sh
 * deno task sign-plugin --generate-key key.jwk.json [--alg EdDSA|ES256]
 * deno task sign-plugin path/to/plugin --key key.jwk.json
 * ```
 *
 * Signing writes `manifest.sig.json` next to the manifest: a detached JWS (EdDSA or ES256, with
 * jose) over the SHA-256 of `manifest.json` and of every file it lists. Making a key writes the
 * private JWK (mode 0600) and prints the public JWK to give to `trustedKeys`.
 *
 * @module
 */
import { exportJWK, generateKeyPair } from "jose";
import type { JWK } from "jose";
import { SIGNATURE_FILE, signPlugin } from "../kernel/messaging/plugin_signature.ts";
import { manifestUrlOf } from "../kernel/messaging/plugin_loader.ts";

const USAGE = `Usage:
  deno task sign-plugin --generate-key <key.jwk.json> [--alg EdDSA|ES256]
  deno task sign-plugin <plugin folder or manifest.json> --key <key.jwk.json>`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) fail(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

// `deno task` runs in the project folder; INIT_CWD is where it was started
const cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd();
const resolve = (path: string) => (path.startsWith("/") ? path : `${cwd}/${path}`);

const args = [...Deno.args];
if (args.includes("--help") || args.length === 0) {
  console.log(USAGE);
  Deno.exit(args.length === 0 ? 2 : 0);
}
const generate = option(args, "--generate-key");
const alg = option(args, "--alg") ?? "EdDSA";
const keyPath = option(args, "--key");

if (generate) {
  if (alg !== "EdDSA" && alg !== "ES256") fail(`Unsupported --alg ${alg} (use EdDSA or ES256)`);
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  await Deno.writeTextFile(resolve(generate), JSON.stringify(jwk, null, 2) + "\n", { mode: 0o600 });
  const { d: _d, ...publicJwk } = jwk;
  console.log(JSON.stringify(publicJwk));
  Deno.exit(0);
}

if (args.length !== 1) fail("Give one plugin folder or manifest.json");
if (!keyPath) fail("--key is required");
const privateJwk = JSON.parse(await Deno.readTextFile(resolve(keyPath))) as JWK;
const manifestUrl = manifestUrlOf(resolve(args[0]));
const signature = await signPlugin(manifestUrl, privateJwk);
const out = new URL(SIGNATURE_FILE, manifestUrl);
await Deno.writeTextFile(out, JSON.stringify(signature, null, 2) + "\n");
console.log(`Signed ${Object.keys(signature.files).length + 1} files: ${out.pathname}`);
