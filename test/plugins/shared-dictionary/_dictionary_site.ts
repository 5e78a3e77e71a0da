/**
 * A site that uses compression dictionaries, for the shared-dictionary tests: `/js/app.v1.js`
 * declares itself a dictionary for `/js/app.*.js`, and a request that announces it gets `dcz`
 * answers (compressed by the zstd command, the reference implementation); other paths declare
 * dictionaries with other terms. It records every request's headers.
 *
 * @module
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const encode = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

/** The dictionary `/js/app.v1.js` serves. */
export const DICTIONARY: Uint8Array<ArrayBuffer> = encode(
  "export function greet(name) { return `hello ${name}`; }\n".repeat(40),
);
/** The script `/js/app.v2.js` serves (compressed with the dictionary when it is announced). */
export const NEXT_VERSION: Uint8Array = encode(
  "export function greet(name) { return `hello ${name}`; }\n".repeat(39) + "// v2\n",
);

/** A running dictionary site. */
export interface DictionarySite {
  /** `http://localhost:PORT` (localhost: a secure context without TLS, as for Chromium). */
  url: string;
  /** The headers of the requests seen, by path. */
  seen: Map<string, IncomingHttpHeaders[]>;
  /** The `Available-Dictionary` value of `DICTIONARY`. */
  availableDictionary: string;
  /** Stops it. */
  close(): Promise<void>;
}

/** The `dcz` body of `body`: the header, then zstd's own compression with the dictionary file. */
function dcz(body: Uint8Array, dictionaryFile: string, hash: Uint8Array): Uint8Array {
  const compressed = execFileSync("zstd", ["-q", "-c", "-D", dictionaryFile], { input: body });
  const out = new Uint8Array(40 + compressed.length);
  out.set([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00]);
  out.set(hash, 8);
  out.set(compressed, 40);
  return out;
}

/**
 * Starts the site.
 *
 * @example
 * ```ts
 * const site = await startDictionarySite();
 * await site.close();
 * ```
 */
export async function startDictionarySite(): Promise<DictionarySite> {
  const folder = mkdtempSync(`${tmpdir()}/websession-dictionary-site-`);
  const dictionaryFile = `${folder}/dictionary`;
  writeFileSync(dictionaryFile, DICTIONARY);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", DICTIONARY));
  const wrongHash = new Uint8Array(32).fill(7);
  const availableDictionary = `:${hash.toBase64()}:`;
  const seen = new Map<string, IncomingHttpHeaders[]>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    seen.set(path, [...seen.get(path) ?? [], request.headers]);
    const announced = request.headers["available-dictionary"] === availableDictionary;
    const send = (headers: Record<string, string>, body: Uint8Array | string) => {
      response.writeHead(200, { "access-control-allow-origin": "*", ...headers });
      response.end(body);
    };
    if (path === "/") return send({ "content-type": "text/html" }, "<title>dictionaries</title>");
    if (path === "/js/app.v1.js") {
      return send({
        "content-type": "text/javascript",
        "use-as-dictionary": 'match="/js/app.*.js", id="app \\"one\\""',
        "cache-control": "max-age=3600",
      }, DICTIONARY);
    }
    if (path.startsWith("/js/app.") && announced) {
      const body = path.includes("corrupt")
        ? dcz(NEXT_VERSION, dictionaryFile, wrongHash)
        : dcz(NEXT_VERSION, dictionaryFile, hash);
      return send({ "content-encoding": "dcz", vary: "available-dictionary" }, body);
    }
    if (path === "/scripts/dictionary.js") {
      return send({
        "use-as-dictionary": 'match="/scripts/*", match-dest=("script")',
        "cache-control": "max-age=60",
      }, "// a dictionary for scripts only\n".repeat(8));
    }
    if (path === "/stale/dictionary") {
      return send(
        { "use-as-dictionary": 'match="/stale/*"', "cache-control": "no-store" },
        "never stored",
      );
    }
    if (path === "/other/dictionary") {
      return send(
        { "use-as-dictionary": 'match="/other/*", type=unknown', "cache-control": "max-age=60" },
        "of a type Chromium does not store",
      );
    }
    send({ "content-type": "text/plain" }, NEXT_VERSION);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    seen,
    availableDictionary,
    close: () => {
      // the clients' idle keep-alive connections too (Deno's server.close waits for them)
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed.finally(() => rmSync(folder, { recursive: true, force: true }));
    },
  };
}
