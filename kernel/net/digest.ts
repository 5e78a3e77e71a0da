/**
 * HTTP Digest authentication (RFC 7616) as an auth scheme of the pipeline: MD5, SHA-256 and
 * SHA-512-256 (each also `-sess`), `qop=auth` (or the RFC 2069 form when the server offers no
 * qop), `userhash`, and a nonce count kept per nonce. Importing this module registers the scheme.
 * The hashes are @noble/hashes' (audited; `crypto.subtle` has no MD5), loaded with the first
 * challenge with the answer's computation (`_digest_answer.ts`, `_digest_hashes.ts`).
 *
 * @module
 */
import { registerAuthScheme } from "../http/rules.ts";
import type { AuthChallenge, AuthCredentials } from "../request.ts";
import { onFirstUse } from "../lazy.ts";

// The answer and its hashes load with the first Digest challenge, not at import (issue #24).
const answer = onFirstUse(
  "the Digest answer (kernel/net/_digest_answer.ts, @noble/hashes)",
  () => import("./_digest_answer.ts"),
);

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
  return (await answer()).digestAnswer(input);
}

registerAuthScheme(
  "digest",
  (challenge, credentials, request) =>
    digestAuthorization({ challenge, credentials, method: request.method, url: request.url }),
);
