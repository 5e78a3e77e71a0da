/**
 * A CA and one leaf for every host name the differential tests reach over TLS (openssl, in a temp
 * folder removed afterwards). Chromium runs with `--ignore-certificate-errors`; websession is given
 * the CA through the transport's `caCerts`.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireCommand } from "../../test/_system.ts";

/** The CA (PEM) and the leaf's certificate and key. */
export interface ParityCerts {
  ca: string;
  cert: string;
  key: string;
}

/** Names the leaf covers. */
const NAMES = [
  "DNS:localhost",
  "DNS:*.localhost",
  "DNS:example.com",
  "DNS:*.example.com",
  "DNS:*.b.example.co.uk",
  "DNS:*.github.io",
  "DNS:*.test",
  "DNS:*.a.test",
  "IP:127.0.0.1",
];

let made: ParityCerts | null = null;

/** Makes (once per process) the CA and the leaf. */
export function parityCerts(): ParityCerts {
  if (made) return made;
  const openssl = requireCommand("openssl");
  const dir = mkdtempSync(join(tmpdir(), "websession-parity-certs-"));
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: "pipe" });
  try {
    run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    run(
      "req",
      "-x509",
      "-new",
      "-key",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=websession parity CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
    run("req", "-new", "-key", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
    writeFileSync(
      join(dir, "ext.cnf"),
      `subjectAltName=${NAMES.join(",")}\nbasicConstraints=CA:FALSE\n` +
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    run(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    );
    run("pkcs8", "-topk8", "-nocrypt", "-in", "leaf.key", "-out", "leaf8.key");
    made = {
      ca: readFileSync(join(dir, "ca.pem"), "utf8"),
      cert: readFileSync(join(dir, "leaf.pem"), "utf8"),
      key: readFileSync(join(dir, "leaf8.key"), "utf8"),
    };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
