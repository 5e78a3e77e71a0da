/**
 * `ses.setCertificateVerifyProc(proc)`: the `request` Electron gives the proc, and what its answer
 * means (0: accept, -2: fail, -3: keep the verification's own result, another net error code: fail
 * with that error).
 *
 * @module
 */
import {
  NET_ERROR_CODES,
  NetError,
  type NetErrorCode,
  netErrorCodeOf,
} from "../../kernel/errors.ts";

/** Electron's `CertificatePrincipal`. */
export interface CertificatePrincipal {
  /** Common name. */
  commonName: string;
  /** Organizations. */
  organizations: string[];
  /** Organization units. */
  organizationUnits: string[];
  /** Locality. */
  locality: string;
  /** State or province. */
  state: string;
  /** Country. */
  country: string;
}

/** Electron's `Certificate`. */
export interface Certificate {
  /** PEM encoded data. */
  data: string;
  /** The issuer. */
  issuer: CertificatePrincipal;
  /** The issuer's display name: its common name, else its first organization or unit. */
  issuerName: string;
  /** The issuer's certificate, when the chain has it. */
  issuerCert?: Certificate;
  /** The subject. */
  subject: CertificatePrincipal;
  /** The subject's display name: its common name, else its first organization or unit. */
  subjectName: string;
  /** The serial number: the DER integer's bytes in upper-case hex, as Electron's. */
  serialNumber: string;
  /** Start date in seconds since the epoch. */
  validStart: number;
  /** End date in seconds since the epoch. */
  validExpiry: number;
  /** `sha256/` and the base64 SHA-256 of the DER. */
  fingerprint: string;
}

/** What the proc receives. */
export interface CertificateVerifyRequest {
  /** The host name connected to. */
  hostname: string;
  /** The server's certificate. */
  certificate: Certificate;
  /** The certificate as verified (the same chain here). */
  validatedCertificate: Certificate;
  /** Whether the chain ends at a root the system trusts. */
  isIssuedByKnownRoot: boolean;
  /** `net::OK`, or the verification's error code, e.g. `net::ERR_CERT_AUTHORITY_INVALID`. */
  verificationResult: string;
  /** 0, or the error's number. */
  errorCode: number;
}

/** Electron's proc: call `callback` with 0, -2 or -3. */
export type CertificateVerifyProc = (
  request: CertificateVerifyRequest,
  callback: (verificationResult: number) => void,
) => void;

/**
 * Asks the proc; resolves to the error that fails the connection, or null to go on.
 *
 * @example
 * ```ts ignore
 * const error = await askProc(proc, request);
 * ```
 */
export function askProc(
  proc: CertificateVerifyProc,
  request: CertificateVerifyRequest,
): Promise<NetError | null> {
  return new Promise((resolve) => {
    let answered = false;
    const callback = (result: number) => {
      if (answered) return;
      answered = true;
      if (result === 0) resolve(null);
      else if (result === -3) resolve(ownResult(request));
      else {
        // Electron hands any other code to Chromium as the verification's error: -2 is
        // net::ERR_FAILED, -202 net::ERR_CERT_AUTHORITY_INVALID, ...; one websession does not
        // know fails as net::ERR_FAILED.
        resolve(
          new NetError(
            netErrorCodeOf(result) ?? "net::ERR_FAILED",
            `The certificate verify proc refused ${request.hostname} (${result})`,
          ),
        );
      }
    };
    try {
      proc(request, callback);
    } catch (error) {
      answered = true;
      resolve(
        new NetError("net::ERR_FAILED", "The certificate verify proc threw", { cause: error }),
      );
    }
  });
}

/**
 * The verification's own outcome as an error (null for `net::OK`).
 *
 * @example
 * ```ts
 * ownResult({ verificationResult: "net::OK" } as CertificateVerifyRequest); // null
 * ```
 */
export function ownResult(request: CertificateVerifyRequest): NetError | null {
  if (request.verificationResult === "net::OK") return null;
  const code = request.verificationResult as NetErrorCode;
  return new NetError(
    code in NET_ERROR_CODES ? code : "net::ERR_CERT_INVALID",
    `The certificate of ${request.hostname} did not verify`,
  );
}
