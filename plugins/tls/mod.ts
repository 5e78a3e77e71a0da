/**
 * The tls plugin: Electron's `ses.setSSLConfig(config)` and `ses.setCertificateVerifyProc(proc)`.
 * Deno's and Bun's `fetch` cannot call back into a verify proc nor take TLS versions, so once
 * either is set the session's direct `https` requests go through the HTTPS transport the entry
 * hands over (`node:tls`/`node:https`: `adapters/http/node_tls.ts`), which verifies the
 * connection, asks the proc with Electron's `request` (hostname, certificate,
 * validatedCertificate, isIssuedByKnownRoot, verificationResult, errorCode) and sends the request
 * only when accepted. Requests through a proxy keep the proxy's connection (not covered). What a
 * runtime cannot honour throws a TypeError naming the option and the runtime
 * (`disabledCipherSuites` on Deno, whose TLS is rustls).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("tls-doc");
 * ses.setSSLConfig({ minVersion: "tls1.2" });
 * ses.setCertificateVerifyProc((request, callback) => callback(request.errorCode === 0 ? 0 : -2));
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { NetError } from "../../kernel/errors.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import { parseSslConfig, type SSLConfig, type TlsVersions } from "./ssl_config.ts";
import {
  askProc,
  type CertificateVerifyProc,
  type CertificateVerifyRequest,
} from "./certificate_verify.ts";

export type * from "../../kernel/mod.ts";
export { parseSslConfig } from "./ssl_config.ts";
export type { SSLConfig, TlsVersions } from "./ssl_config.ts";
export { askProc, ownResult } from "./certificate_verify.ts";
export type {
  Certificate,
  CertificatePrincipal,
  CertificateVerifyProc,
  CertificateVerifyRequest,
} from "./certificate_verify.ts";

/** How the transport the entry hands over connects. */
export interface TlsSendOptions {
  /** Lowest TLS version. */
  minVersion?: TlsVersions["minVersion"];
  /** Highest TLS version. */
  maxVersion?: TlsVersions["maxVersion"];
  /** Cipher suites not to offer. */
  disabledCipherSuites?: number[];
  /** Extra trusted CA certificates (PEM). */
  ca?: string[];
  /** Decides on the verified connection: null to go on, or the error that fails it. */
  verify?: (request: CertificateVerifyRequest) => Promise<NetError | null>;
}

/** Sends one HTTPS hop with the options (Deno and Bun: `nodeTlsFetch`). */
export type TlsSend = (request: PipelineRequest, options: TlsSendOptions) => Promise<Response>;

/** Options of {@linkcode createTlsPlugin}. */
export interface TlsPluginOptions {
  /** The HTTPS transport (none: both members throw, as in the browser). */
  send?: TlsSend;
  /** Whether the transport can leave cipher suites out (Bun: yes; Deno's rustls: no). */
  cipherSuites?: boolean;
  /** Extra trusted CA certificates (PEM) for the verification. */
  ca?: string[];
}

/**
 * The session members the tls plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: TlsMembers = session.fromPartition("tls-members");
 * ses.setCertificateVerifyProc(null);
 * ```
 */
export interface TlsMembers {
  /** Sets the TLS versions and disabled cipher suites of the session's HTTPS connections. */
  setSSLConfig(config: SSLConfig): void;
  /** Sets (or, with null, removes) the proc that decides on every server certificate. */
  setCertificateVerifyProc(proc: CertificateVerifyProc | null): void;
}

/**
 * Makes the tls plugin with an HTTPS transport.
 *
 * @example
 * ```ts
 * createTlsPlugin({}).name; // "tls"
 * ```
 */
export function createTlsPlugin(options: TlsPluginOptions = {}): Plugin<TlsMembers> {
  return definePlugin<TlsMembers>({
    manifest,
    setup(ctx) {
      const runtime = detectRuntime();
      let versions: TlsVersions | null = null;
      let proc: CertificateVerifyProc | null = null;
      // The proc's answers per host name and certificate, until the proc changes: Electron's
      // "The result of this procedure is cached by the network service".
      let answers = new Map<string, Promise<NetError | null>>();
      const ask = (current: CertificateVerifyProc, info: CertificateVerifyRequest) => {
        const key = `${info.hostname}\n${info.certificate.fingerprint}\n${info.verificationResult}`;
        let answer = answers.get(key);
        if (answer === undefined) {
          answer = askProc(current, info);
          if (current === proc) answers.set(key, answer);
        }
        return answer;
      };
      let untap: (() => void) | null = null;
      const send = options.send;
      const refresh = () => {
        const wanted = versions !== null || proc !== null;
        if (wanted && untap === null && send) {
          untap = ctx.tap("transport", (request) => {
            const current = proc;
            return send(request, {
              minVersion: versions?.minVersion,
              maxVersion: versions?.maxVersion,
              disabledCipherSuites: versions?.disabledCipherSuites,
              ca: options.ca,
              verify: current ? (info) => ask(current, info) : undefined,
            });
          }, {
            order: "post",
            label: "TLS settings",
            filter: (request) => request.url.startsWith("https:"),
          });
        } else if (!wanted && untap !== null) {
          untap();
          untap = null;
        }
      };
      const unavailable = (member: string) =>
        new Error(
          `${member} is not available on ${runtime}: a page's fetch does its own TLS and cannot be told how`,
        );
      ctx.provide(
        {
          setSSLConfig(config: SSLConfig): void {
            const parsed = parseSslConfig(config);
            if (!send) throw unavailable("setSSLConfig");
            if (parsed.disabledCipherSuites.length > 0 && !options.cipherSuites) {
              throw new TypeError(
                `setSSLConfig: disabledCipherSuites cannot be honoured on ${runtime}: its TLS (rustls) takes no cipher list`,
              );
            }
            const defaults = parsed.minVersion === "TLSv1" && parsed.maxVersion === "TLSv1.3" &&
              parsed.disabledCipherSuites.length === 0;
            versions = defaults ? null : parsed;
            refresh();
          },
          setCertificateVerifyProc(next: CertificateVerifyProc | null): void {
            if (next !== null && typeof next !== "function") {
              throw new TypeError("setCertificateVerifyProc: proc must be a function or null");
            }
            if (!send) throw unavailable("setCertificateVerifyProc");
            proc = next;
            answers = new Map();
            refresh();
          },
        } satisfies TlsMembers,
      );
    },
  });
}

/**
 * The tls plugin without a transport (the browser's: both members throw).
 *
 * @example
 * ```ts
 * tlsPlugin.manifest.api; // ["setSSLConfig", "setCertificateVerifyProc"]
 * ```
 */
export const tlsPlugin: Plugin<TlsMembers> = createTlsPlugin();
