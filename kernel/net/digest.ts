/**
 * HTTP Digest authentication (RFC 7616) as an auth scheme of the pipeline: MD5, SHA-256 and
 * SHA-512-256 (each also `-sess`), `qop=auth` (or the RFC 2069 form when the server offers no
 * qop), `userhash`, and a nonce count kept per nonce. Importing this module registers the scheme.
 * The hashes are @noble/hashes' (audited; `crypto.subtle` has no MD5), loaded with the first
 * challenge (`_digest_hashes.ts`).
 *
 * @module
 */
import { registerAuthScheme } from "../http/rules.ts";
import { NetError } from "../errors.ts";
import type { AuthChallenge, AuthCredentials } from "../request.ts";
import { onFirstUse } from "../lazy.ts";

// The hashes load with the first Digest challenge, not at import (issue #24).
const hashes = onFirstUse(
  "the Digest hashes (kernel/net/_digest_hashes.ts, @noble/hashes)",
  () => import("./_digest_hashes.ts"),
);

const MAX_NONCES = 256;
const nonceCounts = new Map<string, number>();

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

function nextCount(nonce: string): number {
  const count = (nonceCounts.get(nonce) ?? 0) + 1;
  nonceCounts.delete(nonce);
  nonceCounts.set(nonce, count);
  if (nonceCounts.size > MAX_NONCES) nonceCounts.delete(nonceCounts.keys().next().value!);
  return count;
}

/** What a Digest `Authorization` value is computed from. */
export interface DigestInput {
  /** The parsed challenge (its `params` hold realm, nonce, qop, algorithm, opaque, userhash). */
  challenge: AuthChallenge;
  /** The credentials. */
  credentials: AuthCredentials;
  /** The request's method. */
  method: string;
  /** The request's URL (its path and query become `uri`). */
  url: string;
  /** The client nonce (random when absent). */
  cnonce?: string;
}

/**
 * The `Authorization` (or `Proxy-Authorization`) value answering a Digest challenge. Throws a
 * `net::ERR_UNSUPPORTED_AUTH_SCHEME` NetError for an algorithm it does not know.
 *
 * @example
 * ```ts
 * const challenge = {
 *   isProxy: false, scheme: "digest", host: "a.test", port: 80, realm: "r",
 *   params: { realm: "r", nonce: "n", qop: "auth" },
 * };
 * await digestAuthorization({
 *   challenge, credentials: { username: "u", password: "p" }, method: "GET", url: "http://a.test/x",
 * }); // 'Digest username="u", realm="r", nonce="n", uri="/x", ...'
 * ```
 */
export async function digestAuthorization(input: DigestInput): Promise<string> {
  const { params } = input.challenge;
  const algorithm = params.algorithm ?? "MD5";
  const hash = (await hashes()).hashFor(algorithm);
  if (!hash) {
    throw new NetError(
      "net::ERR_UNSUPPORTED_AUTH_SCHEME",
      `Digest algorithm ${algorithm} is not supported`,
    );
  }
  const realm = params.realm ?? "";
  const nonce = params.nonce ?? "";
  const { username, password } = input.credentials;
  const target = new URL(input.url);
  const uri = `${target.pathname}${target.search}`;
  const cnonce = input.cnonce ?? crypto.randomUUID().replaceAll("-", "");
  const offered = (params.qop ?? "").split(",").map((q) => q.trim().toLowerCase());
  const qop = offered.includes("auth") ? "auth" : null;
  let ha1 = hash(`${username}:${realm}:${password}`);
  if (/-sess$/i.test(algorithm)) ha1 = hash(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = hash(`${input.method}:${uri}`);
  const nc = qop ? nextCount(nonce).toString(16).padStart(8, "0") : "";
  const response = qop
    ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : hash(`${ha1}:${nonce}:${ha2}`);
  const userhash = params.userhash?.toLowerCase() === "true";
  const parts = [
    `username=${quote(userhash ? hash(`${username}:${realm}`) : username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${algorithm}`,
    `response=${quote(response)}`,
  ];
  if (params.opaque !== undefined) parts.push(`opaque=${quote(params.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  if (userhash) parts.push("userhash=true");
  return `Digest ${parts.join(", ")}`;
}

registerAuthScheme(
  "digest",
  (challenge, credentials, request) =>
    digestAuthorization({ challenge, credentials, method: request.method, url: request.url }),
);
