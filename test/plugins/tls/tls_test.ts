/**
 * setCertificateVerifyProc and setSSLConfig against local TLS servers (node:https) with a test CA:
 * a good leaf, a self-signed leaf, an expired leaf, a leaf for another host name, and TLS 1.2-only
 * and 1.3-only servers. Certificates are made with openssl for each run.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:https";
import type { SecureVersion } from "node:tls";
import { session } from "../../../mod.ts";
import {
  type CertificateVerifyRequest,
  createTlsPlugin,
  type SSLConfig,
} from "../../../plugins/tls/mod.ts";
import { nodeTlsFetch } from "../../../adapters/http/node_tls.ts";
import { needs, requireCommand } from "../../_system.ts";

needs("openssl");

const isBun = "Bun" in globalThis;
let dir: string;
let ca: string;
const hits: Record<string, number> = {};
const servers: Record<string, { url: string; server: Server }> = {};

function openssl(args: string[]): void {
  execFileSync(requireCommand("openssl"), args, { cwd: dir, stdio: "ignore" });
}

function leaf(
  name: string,
  san: string,
  days: string,
  selfSigned = false,
  subject = `/CN=${name}`,
): void {
  writeFileSync(`${dir}/${name}.cnf`, `subjectAltName=${san}\n`);
  if (selfSigned) {
    openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.pem`,
      "-days",
      days,
      "-subj",
      "/CN=self-signed",
      "-addext",
      `subjectAltName=${san}`,
    ]);
    return;
  }
  openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  ]);
  openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    days,
    "-extfile",
    `${name}.cnf`,
  ]);
}

async function start(
  name: string,
  certName: string,
  versions: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string } = {},
): Promise<void> {
  const server = createServer({
    key: readFileSync(`${dir}/${certName}.key`),
    cert: readFileSync(`${dir}/${certName}.pem`),
    ...versions,
  }, (req, res) => {
    hits[name] = (hits[name] ?? 0) + 1;
    let body = "";
    req.on("data", (chunk) => body += chunk);
    req.on("end", () => res.end(`${name} ${req.method} ${body}`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  servers[name] = { url: `https://127.0.0.1:${port}/`, server };
}

before(async () => {
  dir = mkdtempSync(`${tmpdir()}/websession-tls-`);
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/CN=websession test CA/O=websession",
  ]);
  ca = readFileSync(`${dir}/ca.pem`, "utf8");
  const here = "DNS:localhost,IP:127.0.0.1";
  leaf("good", here, "30");
  leaf("expired", here, "-1");
  // No common name: Electron's subjectName is then the first organization (GetDisplayName).
  leaf("other", "DNS:other.test", "30", false, "/O=Other Org/OU=Other Unit");
  leaf("self", here, "30", true);
  await start("good", "good");
  await start("expired", "expired");
  await start("other", "other");
  await start("self", "self");
  await start("tls12", "good", { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" });
  await start("tls13", "good", { minVersion: "TLSv1.3" });
  await start("onecipher", "good", {
    maxVersion: "TLSv1.2",
    ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
  });
});
after(async () => {
  for (const { server } of Object.values(servers)) {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

let count = 0;
function tlsSession() {
  return session.fromPartition(`tls-${count++}`, {
    plugins: [createTlsPlugin({ send: nodeTlsFetch, ca: [ca], cipherSuites: isBun })],
  });
}

describe("setCertificateVerifyProc", () => {
  it("gives the proc Electron's request for a valid certificate", async () => {
    const ses = tlsSession();
    const seen: CertificateVerifyRequest[] = [];
    ses.setCertificateVerifyProc((request, callback) => {
      seen.push(request);
      callback(-3);
    });
    const response = await ses.fetch(servers.good.url, { method: "POST", body: "hi" });
    assert.equal(await response.text(), "good POST hi");
    const [request] = seen;
    assert.equal(request.hostname, "127.0.0.1");
    assert.equal(request.verificationResult, "net::OK");
    assert.equal(request.errorCode, 0);
    assert.equal(request.certificate.subjectName, "good");
    assert.equal(request.certificate.issuerName, "websession test CA");
    assert.deepEqual(request.certificate.issuer.organizations, ["websession"]);
    assert.match(
      request.certificate.data,
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/,
    );
    assert.match(request.certificate.fingerprint, /^sha256\/[A-Za-z0-9+/]{43}=$/);
    // Electron's serialNumber is base::HexEncode of the DER integer's bytes: upper case, whole
    // bytes, a 00 byte first when the top bit is set (openssl prints the number).
    const number = execFileSync(requireCommand("openssl"), ["x509", "-noout", "-serial"], {
      cwd: dir,
      input: request.certificate.data,
    }).toString().trim().replace(/^serial=/, "");
    const bytes = number.length % 2 ? `0${number}` : number;
    const der = parseInt(bytes.slice(0, 2), 16) >= 0x80 ? `00${bytes}` : bytes;
    assert.equal(request.certificate.serialNumber, der);
    assert.ok(request.certificate.validExpiry > Date.now() / 1000);
    assert.ok(request.certificate.validStart <= Date.now() / 1000);
    assert.deepEqual(request.validatedCertificate, request.certificate);
  });

  for (
    const [name, result, errorCode] of [
      ["self", "net::ERR_CERT_AUTHORITY_INVALID", -202],
      ["expired", "net::ERR_CERT_DATE_INVALID", -201],
      ["other", "net::ERR_CERT_COMMON_NAME_INVALID", -200],
    ] as const
  ) {
    it(`reports ${result} for the ${name} certificate; -3 fails with it, 0 accepts, -2 refuses before sending`, async () => {
      const ses = tlsSession();
      const seen: CertificateVerifyRequest[] = [];
      // The answers are cached per proc (as Electron's): a new proc for each answer.
      const answer = (code: number) =>
        ses.setCertificateVerifyProc((request, callback) => {
          seen.push(request);
          callback(code);
        });
      answer(-3);
      const before = hits[name] ?? 0;
      await assert.rejects(ses.fetch(servers[name].url), { code: result });
      assert.equal(seen[0].verificationResult, result);
      const subjectNames = { self: "self-signed", expired: "expired", other: "Other Org" };
      assert.equal(seen[0].certificate.subjectName, subjectNames[name]);
      assert.equal(seen[0].errorCode, errorCode);
      answer(0);
      assert.equal(await (await ses.fetch(servers[name].url)).text(), `${name} GET `);
      answer(-2);
      await assert.rejects(ses.fetch(servers[name].url), { code: "net::ERR_FAILED" });
      assert.equal(hits[name], before + 1, "only the accepted request reached the server");
    });
  }

  it("caches the proc's answer per host and certificate until a proc is set again", async () => {
    // Electron's spec/api-session-spec.ts 'saves cached results': two loads, one verification.
    const ses = tlsSession();
    let asked = 0;
    const proc = (_request: CertificateVerifyRequest, callback: (result: number) => void) => {
      asked++;
      callback(-2);
    };
    ses.setCertificateVerifyProc(proc);
    await assert.rejects(ses.fetch(servers.self.url), { code: "net::ERR_FAILED" });
    await assert.rejects(ses.fetch(`${servers.self.url}test`), { code: "net::ERR_FAILED" });
    assert.equal(asked, 1);
    ses.setCertificateVerifyProc(proc);
    await assert.rejects(ses.fetch(servers.self.url), { code: "net::ERR_FAILED" });
    assert.equal(asked, 2);
  });

  it("fails with the certificate error code the proc answers", async () => {
    const ses = tlsSession();
    ses.setCertificateVerifyProc((_request, callback) => callback(-202));
    await assert.rejects(ses.fetch(servers.good.url), { code: "net::ERR_CERT_AUTHORITY_INVALID" });
    ses.setCertificateVerifyProc((_request, callback) => callback(-206));
    await assert.rejects(ses.fetch(servers.good.url), { code: "net::ERR_CERT_REVOKED" });
    ses.setCertificateVerifyProc((_request, callback) => callback(-99999));
    await assert.rejects(ses.fetch(servers.good.url), { code: "net::ERR_FAILED" });
  });

  it("is removed with null, and checks its argument", async () => {
    const ses = tlsSession();
    ses.setCertificateVerifyProc((_request, callback) => callback(0));
    assert.equal(await (await ses.fetch(servers.self.url)).text(), "self GET ");
    ses.setCertificateVerifyProc(null);
    await assert.rejects(ses.fetch(servers.self.url));
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.setCertificateVerifyProc("yes"), {
      name: "TypeError",
      message: /proc must be a function or null/,
    });
  });
});

describe("setSSLConfig", () => {
  it("keeps to minVersion and maxVersion against 1.2-only and 1.3-only servers", async () => {
    const ses = tlsSession();
    ses.setSSLConfig({ minVersion: "tls1.3" });
    assert.equal(await (await ses.fetch(servers.tls13.url)).text(), "tls13 GET ");
    await assert.rejects(ses.fetch(servers.tls12.url), {
      code: "net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
    });
    ses.setSSLConfig({ maxVersion: "tls1.2" });
    assert.equal(await (await ses.fetch(servers.tls12.url)).text(), "tls12 GET ");
    await assert.rejects(ses.fetch(servers.tls13.url), {
      code: "net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
    });
    // Chromium's defaults again: the session's own fetch sends, which does not trust the test CA.
    ses.setSSLConfig({});
    await assert.rejects(ses.fetch(servers.good.url), { code: "net::ERR_CERT_AUTHORITY_INVALID" });
  });

  it("leaves disabled cipher suites out where the runtime can, and says so where it cannot", async () => {
    const ses = tlsSession();
    if (!isBun) {
      assert.throws(() => ses.setSSLConfig({ disabledCipherSuites: [0xc02f] }), {
        name: "TypeError",
        message: /disabledCipherSuites cannot be honoured on deno/,
      });
      return;
    }
    ses.setSSLConfig({ maxVersion: "tls1.2" });
    assert.equal(await (await ses.fetch(servers.onecipher.url)).text(), "onecipher GET ");
    ses.setSSLConfig({ maxVersion: "tls1.2", disabledCipherSuites: [0xc02f] });
    await assert.rejects(ses.fetch(servers.onecipher.url), {
      code: "net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
    });
  });

  it("rejects bad configs with a TypeError naming the field, and ignores other keys", () => {
    const ses = tlsSession();
    // Electron's converter reads minVersion, maxVersion and disabledCipherSuites only.
    ses.setSSLConfig({ minVersion: "tls1.2", sessionTickets: false } as SSLConfig);
    // @ts-expect-error: wrong value on purpose
    assert.throws(() => ses.setSSLConfig({ minVersion: "ssl3" }), /minVersion must be/);
    assert.throws(() => ses.setSSLConfig({ minVersion: "tls1.3", maxVersion: "tls1.2" }), /above/);
    assert.throws(
      // @ts-expect-error: wrong type on purpose
      () => ses.setSSLConfig({ disabledCipherSuites: ["RC4"] }),
      /cipher suite numbers/,
    );
  });
});
