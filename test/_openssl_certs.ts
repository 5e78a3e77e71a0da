/**
 * A test CA and one leaf it signs, made with openssl in a temporary folder (removed afterwards):
 * ECDSA P-256, valid two days, the leaf's key in PKCS#8 for runtimes that want it.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireCommand } from "./_system.ts";

/** The CA (PEM) and the leaf's certificate and key (PEM). */
export interface TestCerts {
  ca: string;
  cert: string;
  key: string;
}

/** Makes a CA named `caName` and a leaf for `names` (`DNS:…`/`IP:…` subjectAltName entries). */
export function issueTestCerts(caName: string, names: readonly string[]): TestCerts {
  const openssl = requireCommand("openssl");
  const dir = mkdtempSync(join(tmpdir(), "websession-test-certs-"));
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
      `/CN=${caName}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
    run("req", "-new", "-key", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
    writeFileSync(
      join(dir, "ext.cnf"),
      `subjectAltName=${names.join(",")}\nbasicConstraints=CA:FALSE\n` +
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    const sign = ["-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2"];
    run("x509", "-req", "-in", "leaf.csr", ...sign, "-out", "leaf.pem", "-extfile", "ext.cnf");
    run("pkcs8", "-topk8", "-nocrypt", "-in", "leaf.key", "-out", "leaf8.key");
    return {
      ca: readFileSync(join(dir, "ca.pem"), "utf8"),
      cert: readFileSync(join(dir, "leaf.pem"), "utf8"),
      key: readFileSync(join(dir, "leaf8.key"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
