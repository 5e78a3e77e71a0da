/**
 * The computation of a Digest answer (`digest.ts` says what it covers), with its nonce counts:
 * loaded with the first Digest challenge (issue #24), with the hashes.
 *
 * @module
 */
import { NetError } from "../errors.ts";
import type { DigestInput } from "./digest.ts";
import { hashFor } from "./_digest_hashes.ts";

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

/**
 * `digestAuthorization`'s work (`digest.ts`): the `Authorization` value answering a Digest
 * challenge.
 *
 * @example
 * ```ts ignore
 * digestAnswer({ challenge, credentials: { username: "u", password: "p" }, method: "GET", url });
 * ```
 */
export function digestAnswer(input: DigestInput): string {
  const { params } = input.challenge;
  const algorithm = params.algorithm ?? "MD5";
  const hash = hashFor(algorithm);
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
