// Helpers for the plugin loader tests: a header-echoing server, plugin copies in temp folders,
// keys and signing.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import type { JWK } from "jose";
import { signPlugin } from "../../kernel/messaging/plugin_signature.ts";

/** A server on 127.0.0.1 that answers with the request's headers and body length as JSON. */
export interface EchoServer {
  url: string;
  host: string;
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function echoServer(body = "secret from the other host"): Promise<EchoServer> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    let length = 0;
    req.on("data", (chunk: Uint8Array) => (length += chunk.length));
    req.on("end", () => {
      seen.push(req.headers);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ headers: req.headers, length, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    host: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const fixtures = new URL("../fixtures/", import.meta.url);

/** Copies `test/fixtures/<name>` to a new temp folder, optionally changing its manifest. */
export async function pluginCopy(
  name: string,
  change: (manifest: Record<string, unknown>) => void = () => {},
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "websession-plugin-"));
  await cp(new URL(name, fixtures).pathname, dir, { recursive: true });
  const path = join(dir, "manifest.json");
  const manifest = JSON.parse(await readFile(path, "utf8"));
  change(manifest);
  await writeFile(path, JSON.stringify(manifest, null, 2));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A key pair as JWKs. */
export async function keyPair(
  alg: "EdDSA" | "ES256" = "EdDSA",
): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const { d: _d, ...publicJwk } = privateJwk;
  return { privateJwk, publicJwk };
}

/** Signs the plugin in `dir` with the library (the script is tested separately). */
export async function sign(dir: string, privateJwk: JWK): Promise<void> {
  const manifestUrl = new URL(`file://${dir}/manifest.json`);
  const signature = await signPlugin(manifestUrl, privateJwk);
  await writeFile(join(dir, "manifest.sig.json"), JSON.stringify(signature));
}

export const isDeno: boolean = "Deno" in globalThis && !("Bun" in globalThis);
