/**
 * HTTPS over `node:tls` and `node:http` (Deno and Bun have both) for what their `fetch` cannot
 * do: a certificate check of the caller's own (Electron's `setCertificateVerifyProc`) and TLS
 * versions or cipher suites (`setSSLConfig`). The TLS connection is made and verified first; only
 * then does the request go over it, so nothing is sent to a server the check refused.
 *
 * @module
 */
import { noteSentTo } from "../../kernel/http/remote_address.ts";
import type * as Tls from "node:tls";
import { builtin } from "../_builtin.ts";
import { NetError } from "../../kernel/errors.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { detectRuntime } from "../runtime.ts";

/** A certificate's subject or issuer, as Electron's `CertificatePrincipal`. */
export interface Principal {
  /** CN. */
  commonName: string;
  /** O. */
  organizations: string[];
  /** OU. */
  organizationUnits: string[];
  /** L. */
  locality: string;
  /** ST. */
  state: string;
  /** C. */
  country: string;
}

/** A certificate, as Electron's `Certificate`. */
export interface ElectronCertificate {
  /** PEM. */
  data: string;
  /** Issuer. */
  issuer: Principal;
  /** The issuer's display name (common name, else organization, else unit). */
  issuerName: string;
  /** Issuer's certificate. */
  issuerCert?: ElectronCertificate;
  /** Subject. */
  subject: Principal;
  /** The subject's display name (common name, else organization, else unit). */
  subjectName: string;
  /** The DER integer's bytes in upper-case hex (Electron's). */
  serialNumber: string;
  /** Seconds since the epoch. */
  validStart: number;
  /** Seconds since the epoch. */
  validExpiry: number;
  /** `sha256/<base64>`. */
  fingerprint: string;
}

/** What a verification produced, as Electron's proc request. */
export interface VerifyRequest {
  /** Host name. */
  hostname: string;
  /** The server's certificate. */
  certificate: ElectronCertificate;
  /** The same chain, as verified. */
  validatedCertificate: ElectronCertificate;
  /** Whether it chains to a trusted root. */
  isIssuedByKnownRoot: boolean;
  /** `net::OK` or a `net::ERR_CERT_*` code. */
  verificationResult: string;
  /** 0 or the code's number. */
  errorCode: number;
}

/** How to connect. */
export interface NodeTlsOptions {
  /** e.g. `TLSv1.2`. */
  minVersion?: Tls.SecureVersion;
  /** e.g. `TLSv1.3`. */
  maxVersion?: Tls.SecureVersion;
  /** Cipher suite numbers not to offer. */
  disabledCipherSuites?: number[];
  /** Extra trusted CA certificates (PEM). */
  ca?: string[];
  /** Decides on the verified connection: null to go on, or the error that fails it. */
  verify?: (request: VerifyRequest) => Promise<NetError | null>;
}

// IANA numbers of TLS 1.0-1.2 suites and OpenSSL's names for them (BoringSSL's in Bun).
const SUITES: Record<number, string> = {
  0x0004: "RC4-MD5",
  0x0005: "RC4-SHA",
  0x000a: "DES-CBC3-SHA",
  0x002f: "AES128-SHA",
  0x0035: "AES256-SHA",
  0x009c: "AES128-GCM-SHA256",
  0x009d: "AES256-GCM-SHA384",
  0xc009: "ECDHE-ECDSA-AES128-SHA",
  0xc00a: "ECDHE-ECDSA-AES256-SHA",
  0xc013: "ECDHE-RSA-AES128-SHA",
  0xc014: "ECDHE-RSA-AES256-SHA",
  0xc02b: "ECDHE-ECDSA-AES128-GCM-SHA256",
  0xc02c: "ECDHE-ECDSA-AES256-GCM-SHA384",
  0xc02f: "ECDHE-RSA-AES128-GCM-SHA256",
  0xc030: "ECDHE-RSA-AES256-GCM-SHA384",
  0xcca8: "ECDHE-RSA-CHACHA20-POLY1305",
  0xcca9: "ECDHE-ECDSA-CHACHA20-POLY1305",
};

/**
 * The `ciphers` string without the disabled suites, or a TypeError when the runtime cannot take a
 * cipher list (Deno's TLS is rustls).
 *
 * @example
 * ```ts ignore
 * cipherList([0xc02f]); // "...:!ECDHE-RSA-AES128-GCM-SHA256" under Bun
 * ```
 */
export function cipherList(disabled: number[]): string | undefined {
  if (disabled.length === 0) return undefined;
  const runtime = detectRuntime();
  if (runtime !== "bun") {
    throw new TypeError(
      `setSSLConfig: disabledCipherSuites cannot be honoured on ${runtime}: its node:tls runs on rustls, which takes no cipher list`,
    );
  }
  const names = disabled.map((n) => SUITES[n]).filter((n): n is string => n !== undefined);
  return [builtin("node:tls").DEFAULT_CIPHERS, ...names.map((n) => `!${n}`)].join(":");
}

const CHAIN_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: "net::ERR_CERT_DATE_INVALID",
  CERT_NOT_YET_VALID: "net::ERR_CERT_DATE_INVALID",
  CERT_REVOKED: "net::ERR_CERT_REVOKED",
  DEPTH_ZERO_SELF_SIGNED_CERT: "net::ERR_CERT_AUTHORITY_INVALID",
  SELF_SIGNED_CERT_IN_CHAIN: "net::ERR_CERT_AUTHORITY_INVALID",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "net::ERR_CERT_AUTHORITY_INVALID",
  UNABLE_TO_GET_ISSUER_CERT: "net::ERR_CERT_AUTHORITY_INVALID",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "net::ERR_CERT_AUTHORITY_INVALID",
};
const NUMBERS: Record<string, number> = {
  "net::OK": 0,
  "net::ERR_CERT_COMMON_NAME_INVALID": -200,
  "net::ERR_CERT_DATE_INVALID": -201,
  "net::ERR_CERT_AUTHORITY_INVALID": -202,
  "net::ERR_CERT_REVOKED": -206,
  "net::ERR_CERT_INVALID": -207,
};

function principal(fields: Record<string, string | string[]> | undefined): Principal {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  const many = (v: string | string[] | undefined) => v === undefined ? [] : [v].flat();
  return {
    commonName: one(fields?.CN),
    organizations: many(fields?.O),
    organizationUnits: many(fields?.OU),
    locality: one(fields?.L),
    state: one(fields?.ST),
    country: one(fields?.C),
  };
}

/** Chromium's GetDisplayName: the common name, else the first organization, else the first unit. */
function displayName(principal: Principal): string {
  return principal.commonName || principal.organizations[0] || principal.organizationUnits[0] || "";
}

/**
 * Electron's `serialNumber` (base::HexEncode of the DER INTEGER's bytes) from Node's hex number:
 * upper case, whole bytes, and the 00 byte DER puts before a positive number whose top bit is set.
 */
function derSerialHex(number: string): string {
  const hex = number.toUpperCase();
  const bytes = hex.length % 2 === 1 ? `0${hex}` : hex;
  return bytes !== "" && parseInt(bytes.slice(0, 2), 16) >= 0x80 ? `00${bytes}` : bytes;
}

function electronCertificate(
  cert: Tls.DetailedPeerCertificate,
  depth = 0,
): ElectronCertificate {
  // Deno gives a Uint8Array where Node and Bun give a Buffer.
  const { Buffer } = builtin("node:buffer");
  const raw = Buffer.from(cert.raw);
  const base64 = raw.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  const issuer = principal(cert.issuer as unknown as Record<string, string>);
  const subject = principal(cert.subject as unknown as Record<string, string>);
  const out: ElectronCertificate = {
    data: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    issuer,
    issuerName: displayName(issuer),
    subject,
    subjectName: displayName(subject),
    serialNumber: derSerialHex(cert.serialNumber ?? ""),
    validStart: Math.floor(Date.parse(cert.valid_from) / 1000),
    validExpiry: Math.floor(Date.parse(cert.valid_to) / 1000),
    fingerprint: `sha256/${
      builtin("node:crypto").createHash("sha256").update(raw).digest("base64")
    }`,
  };
  const issuerCert = cert.issuerCertificate;
  if (
    issuerCert && issuerCert !== cert && issuerCert.raw &&
    !raw.equals(Buffer.from(issuerCert.raw)) && depth < 8
  ) {
    out.issuerCert = electronCertificate(issuerCert, depth + 1);
  }
  return out;
}

function connect(url: URL, options: NodeTlsOptions, signal: AbortSignal): Promise<Tls.TLSSocket> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const ip = /^[\d.]+$/.test(hostname) || hostname.includes(":");
  return new Promise((resolve, reject) => {
    const socket = builtin("node:tls").connect({
      host: hostname,
      port: Number(url.port || 443),
      servername: ip ? undefined : hostname,
      rejectUnauthorized: false,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ciphers: cipherList(options.disabledCipherSuites ?? []),
      ca: options.ca && options.ca.length > 0
        ? [...builtin("node:tls").rootCertificates, ...options.ca]
        : undefined,
      ALPNProtocols: ["http/1.1"],
    });
    const onAbort = () =>
      socket.destroy(new NetError("net::ERR_ABORTED", "The request was aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", async () => {
      signal.removeEventListener("abort", onAbort);
      const peer = socket.getPeerCertificate(true);
      // As Chromium ranks them: a wrong name first, then the chain's own error.
      let result = "net::OK";
      if (builtin("node:tls").checkServerIdentity(hostname, peer) !== undefined) {
        result = "net::ERR_CERT_COMMON_NAME_INVALID";
      } else if (!socket.authorized) {
        const error = socket.authorizationError as unknown as { code?: string } | string;
        const code = typeof error === "string" ? error : error?.code ?? String(error);
        result = CHAIN_ERRORS[code] ?? "net::ERR_CERT_INVALID";
      }
      const certificate = electronCertificate(peer);
      const request: VerifyRequest = {
        hostname,
        certificate,
        validatedCertificate: certificate,
        isIssuedByKnownRoot: socket.authorized && !options.ca?.length,
        verificationResult: result,
        errorCode: NUMBERS[result] ?? -207,
      };
      let refusal: NetError | null;
      if (options.verify) refusal = await options.verify(request);
      else {
        refusal = result === "net::OK" ? null : new NetError(
          result as "net::ERR_CERT_INVALID",
          `The certificate of ${hostname} did not verify`,
        );
      }
      if (refusal) {
        socket.destroy();
        reject(refusal);
      } else resolve(socket);
    });
    socket.once("error", (error: Error & { code?: string }) => {
      signal.removeEventListener("abort", onAbort);
      if (error instanceof NetError) return reject(error);
      if (
        /PROTOCOL_VERSION|VERSION_TOO_LOW|UNSUPPORTED_PROTOCOL|NO_SHARED_CIPHER|HANDSHAKE_FAILURE/i
          .test(`${error.code} ${error.message}`)
      ) {
        return reject(
          new NetError("net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH", error.message, { cause: error }),
        );
      }
      reject(toNetError(error, signal));
    });
  });
}

/**
 * Sends one HTTPS hop over a connection verified as `options` says.
 *
 * @example
 * ```ts ignore
 * const response = await nodeTlsFetch(request, { minVersion: "TLSv1.2" });
 * ```
 */
export async function nodeTlsFetch(
  request: PipelineRequest,
  options: NodeTlsOptions,
): Promise<Response> {
  const url = new URL(request.url);
  if (url.protocol !== "https:") {
    throw new NetError("net::ERR_INVALID_ARGUMENT", "The TLS transport sends https only");
  }
  const socket = await connect(url, options, request.signal);
  noteSentTo(request, socket.remoteAddress ?? "");
  return await new Promise<Response>((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    request.headers.forEach((value, name) => {
      headers[name] = name === "set-cookie" ? request.headers.getSetCookie() : value;
    });
    const body = request.body;
    if (body instanceof Uint8Array) headers["content-length"] = String(body.byteLength);
    // node:http over the verified TLS socket (an https agent would open a connection of its own).
    const req = builtin("node:http").request({
      method: request.method,
      host: url.hostname,
      port: Number(url.port || 443),
      path: `${url.pathname}${url.search}`,
      headers,
      createConnection: () => socket,
    }, (res) => {
      const out = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        out.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
      }
      const status = res.statusCode ?? 0;
      const nullBody = [101, 103, 204, 205, 304].includes(status) || request.method === "HEAD";
      const stream = nullBody
        ? null
        : builtin("node:stream").Readable.toWeb(res) as ReadableStream<Uint8Array>;
      if (nullBody) res.resume();
      res.on("end", () => socket.end());
      resolve(new Response(stream, { status, statusText: res.statusMessage ?? "", headers: out }));
    });
    req.on("error", (error) => reject(toNetError(error, request.signal)));
    if (body instanceof Uint8Array) req.end(body);
    else if (body instanceof ReadableStream) {
      builtin("node:stream").Readable.fromWeb(body as never).pipe(req);
    } else req.end();
  });
}
