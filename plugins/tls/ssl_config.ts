/**
 * `ses.setSSLConfig(config)`: Electron's TLS settings, checked: `minVersion`/`maxVersion` (`tls1`,
 * `tls1.1`, `tls1.2`, `tls1.3`) and `disabledCipherSuites` (cipher suite numbers, `0xAABB`).
 *
 * @module
 */

/** Electron's `SSLConfig`. */
export interface SSLConfig {
  /** The lowest TLS version (default `tls1`). */
  minVersion?: "tls1" | "tls1.1" | "tls1.2" | "tls1.3";
  /** The highest TLS version (default `tls1.3`). */
  maxVersion?: "tls1.2" | "tls1.3";
  /** Cipher suites not to offer (TLS 1.3 suites cannot be disabled, as in Chromium). */
  disabledCipherSuites?: number[];
}

/** The settings in `node:tls` terms. */
export interface TlsVersions {
  /** e.g. `TLSv1.2`. */
  minVersion: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  /** e.g. `TLSv1.3`. */
  maxVersion: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  /** The cipher suite numbers to leave out. */
  disabledCipherSuites: number[];
}

const VERSIONS = {
  "tls1": "TLSv1",
  "tls1.1": "TLSv1.1",
  "tls1.2": "TLSv1.2",
  "tls1.3": "TLSv1.3",
} as const;
const ORDER = ["tls1", "tls1.1", "tls1.2", "tls1.3"];

/**
 * Checks an `SSLConfig`; throws a TypeError naming the bad field.
 *
 * @example
 * ```ts
 * parseSslConfig({ minVersion: "tls1.2" }).minVersion; // "TLSv1.2"
 * ```
 */
export function parseSslConfig(config: unknown): TlsVersions {
  if (config === null || typeof config !== "object") {
    throw new TypeError("setSSLConfig: config must be an object");
  }
  // Other keys are ignored, as Electron's converter reads only these three.
  const c = config as Record<string, unknown>;
  const min = c.minVersion ?? "tls1";
  const max = c.maxVersion ?? "tls1.3";
  if (typeof min !== "string" || !(min in VERSIONS)) {
    throw new TypeError('setSSLConfig: minVersion must be "tls1", "tls1.1", "tls1.2" or "tls1.3"');
  }
  if (max !== "tls1.2" && max !== "tls1.3") {
    throw new TypeError('setSSLConfig: maxVersion must be "tls1.2" or "tls1.3"');
  }
  if (ORDER.indexOf(min) > ORDER.indexOf(max)) {
    throw new TypeError("setSSLConfig: minVersion is above maxVersion");
  }
  const disabled = c.disabledCipherSuites ?? [];
  if (
    !Array.isArray(disabled) ||
    !disabled.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff)
  ) {
    throw new TypeError(
      "setSSLConfig: disabledCipherSuites must be an array of cipher suite numbers (0x0000 to 0xFFFF)",
    );
  }
  return {
    minVersion: VERSIONS[min as keyof typeof VERSIONS],
    maxVersion: VERSIONS[max],
    disabledCipherSuites: disabled as number[],
  };
}
