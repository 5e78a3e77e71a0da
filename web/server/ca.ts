/**
 * The server's local certificate authority for HTTPS interception: made on first start (ECDSA
 * P-256, @peculiar/x509 on WebCrypto) and kept in the storage folder as `ca-cert.pem` and
 * `ca-key.pem` (mode 0600); leaf certificates for intercepted hosts are made on demand, signed by
 * it, and cached. The leaves carry the CA's own public key, as mitmproxy's do: signing a
 * certificate is cheap where making a key is not, and the CA's SPKI hash then matches every leaf
 * (what Chromium's `--ignore-certificate-errors-spki-list` compares).
 *
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY = 86_400_000;
const LEAF_CACHE = 1000;

/** A leaf certificate and its key, as PEM, ready for `tls.createSecureContext`. */
export interface Leaf {
  /** The leaf followed by the CA certificate. */
  cert: string;
  /** The leaf's key (the CA's, PKCS#8). */
  key: string;
}

/**
 * The local CA.
 *
 * @example
 * ```ts
 * // const ca = await CertificateAuthority.open("/home/me/.websession");
 * // const { cert, key } = await ca.leafFor("example.com");
 * ```
 */
export class CertificateAuthority {
  /** Where the CA certificate (PEM) is. */
  readonly certPath: string;
  /** Where its key (PKCS#8 PEM, mode 0600) is. */
  readonly keyPath: string;
  /** The CA certificate as PEM. */
  readonly certPem: string;
  /** base64 of the SHA-256 of its SubjectPublicKeyInfo (Chromium's `--ignore-certificate-errors-spki-list`). */
  readonly spkiHash: string;
  /** Whether this start made it. */
  readonly created: boolean;
  #cert: x509.X509Certificate;
  #key: CryptoKey;
  #publicKey: CryptoKey;
  #keyPem: string;
  #leaves = new Map<string, Promise<Leaf>>();

  private constructor(
    paths: { certPath: string; keyPath: string },
    cert: x509.X509Certificate,
    keys: { privateKey: CryptoKey; publicKey: CryptoKey; pem: string },
    spkiHash: string,
    created: boolean,
  ) {
    this.certPath = paths.certPath;
    this.keyPath = paths.keyPath;
    this.#cert = cert;
    this.#key = keys.privateKey;
    this.#publicKey = keys.publicKey;
    this.#keyPem = keys.pem;
    this.certPem = cert.toString("pem");
    this.spkiHash = spkiHash;
    this.created = created;
  }

  /**
   * Reads the CA from `folder`, or makes it there when it is not there yet. Throws an Error naming
   * the file when one of the two exists without the other or cannot be read. `name` is the
   * subject of a new CA.
   */
  static async open(
    folder: string,
    name = "CN=websession CA, O=websession",
  ): Promise<CertificateAuthority> {
    const certPath = `${folder}/ca-cert.pem`;
    const keyPath = `${folder}/ca-key.pem`;
    const haveCert = existsSync(certPath);
    const haveKey = existsSync(keyPath);
    if (haveCert !== haveKey) {
      throw new Error(
        `${haveCert ? keyPath : certPath} is missing while ${
          haveCert ? certPath : keyPath
        } exists; remove both to make a new CA`,
      );
    }
    let cert: x509.X509Certificate;
    let privateKey: CryptoKey;
    let pem: string;
    if (haveCert) {
      try {
        cert = new x509.X509Certificate(readFileSync(certPath, "utf8"));
        pem = readFileSync(keyPath, "utf8");
        privateKey = await crypto.subtle.importKey(
          "pkcs8",
          x509.PemConverter.decodeFirst(pem),
          EC,
          false,
          ["sign"],
        );
      } catch (error) {
        throw new Error(`${certPath}: not a CA this server can use (${(error as Error).message})`);
      }
    } else {
      const keys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]) as CryptoKeyPair;
      const now = Date.now();
      cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name,
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 3650 * DAY),
        keys,
        signingAlgorithm: SIGN,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
            true,
          ),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      privateKey = keys.privateKey;
      pem = await pkcs8Pem(keys.privateKey);
      mkdirSync(folder, { recursive: true });
      writeFileSync(keyPath, pem, { mode: 0o600 });
      chmodSync(keyPath, 0o600);
      writeFileSync(certPath, cert.toString("pem"));
    }
    const spki = await crypto.subtle.digest("SHA-256", cert.publicKey.rawData);
    const hash = btoa(String.fromCharCode(...new Uint8Array(spki)));
    const publicKey = await cert.publicKey.export(EC, ["verify"]);
    return new CertificateAuthority(
      { certPath, keyPath },
      cert,
      { privateKey, publicKey, pem },
      hash,
      !haveCert,
    );
  }

  /** A leaf for `host` (a name or an IP literal, IPv6 without brackets), made once and cached. */
  leafFor(host: string): Promise<Leaf> {
    const name = host.toLowerCase();
    let leaf = this.#leaves.get(name);
    if (!leaf) {
      if (this.#leaves.size >= LEAF_CACHE) {
        this.#leaves.delete(this.#leaves.keys().next().value!);
      }
      leaf = this.#makeLeaf(name);
      this.#leaves.set(name, leaf);
      leaf.catch(() => this.#leaves.delete(name));
    }
    return leaf;
  }

  async #makeLeaf(host: string): Promise<Leaf> {
    const now = Date.now();
    const ip = isIP(host) !== 0;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${ip ? host : host.replace(/[,+"\\<>;=]/g, "")}`,
      issuer: this.#cert.subject,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 397 * DAY),
      signingKey: this.#key,
      publicKey: this.#publicKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: ip ? "ip" : "dns", value: host }]),
        await x509.AuthorityKeyIdentifierExtension.create(this.#cert),
      ],
    });
    return { cert: `${cert.toString("pem")}\n${this.certPem}\n`, key: this.#keyPem };
  }
}

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive
  bytes[0] |= 0x01; // no leading zero byte
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}
