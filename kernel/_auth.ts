/**
 * HTTP authentication challenges: parsing `WWW-Authenticate`/`Proxy-Authenticate`, and a registry
 * of schemes that turn credentials into an `Authorization` header. Basic is built in; other
 * schemes (Digest) are registered by plugins.
 *
 * @module
 */
import type { AuthChallenge, PipelineRequest } from "./request.ts";
import type { UrlParts } from "./url_parts.ts";

/** Makes the `Authorization` value for a challenge of one scheme. */
export type AuthScheme = (
  challenge: AuthChallenge,
  credentials: { username: string; password: string },
  request: PipelineRequest,
) => string | Promise<string>;

const schemes = new Map<string, AuthScheme>([
  ["basic", (_challenge, { username, password }) => `Basic ${base64(`${username}:${password}`)}`],
]);

/**
 * Registers an auth scheme (its name in lower case) for every session.
 *
 * @example
 * ```ts
 * registerAuthScheme("bearer", (_c, { password }) => `Bearer ${password}`);
 * ```
 */
export function registerAuthScheme(name: string, scheme: AuthScheme): void {
  schemes.set(name.toLowerCase(), scheme);
}

/**
 * The scheme for a name, if registered.
 *
 * @example
 * ```ts
 * authScheme("basic") !== undefined; // true
 * ```
 */
export function authScheme(name: string): AuthScheme | undefined {
  return schemes.get(name.toLowerCase());
}

/**
 * Parses the challenges of a 401/407 response and picks the strongest one websession supports
 * (Digest over Basic, as Chromium prefers), or the first one when none is supported.
 *
 * @example
 * ```ts
 * const res = new Response(null, { status: 401, headers: { "www-authenticate": 'Basic realm="x"' } });
 * parseChallenge(res, { scheme: "http", host: "a.test", port: 80, path: "/", query: "" })?.realm; // "x"
 * ```
 */
export function parseChallenge(response: Response, url: UrlParts): AuthChallenge | null {
  const isProxy = response.status === 407;
  const header = response.headers.get(isProxy ? "proxy-authenticate" : "www-authenticate");
  if (!header) return null;
  const challenges = splitChallenges(header);
  if (challenges.length === 0) return null;
  const rank = (s: string) => (s === "digest" ? 2 : s === "basic" ? 1 : 0);
  const supported = challenges.filter((c) => schemes.has(c.scheme));
  const best =
    (supported.length ? supported : challenges).sort((a, b) => rank(b.scheme) - rank(a.scheme))[0];
  return {
    isProxy,
    scheme: best.scheme,
    host: url.host,
    port: url.port,
    realm: best.params.realm ?? "",
    params: best.params,
  };
}

function splitChallenges(
  header: string,
): Array<{ scheme: string; params: Record<string, string> }> {
  const out: Array<{ scheme: string; params: Record<string, string> }> = [];
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?\s*,?/gy;
  let match: RegExpExecArray | null;
  let current: { scheme: string; params: Record<string, string> } | null = null;
  token.lastIndex = 0;
  while (token.lastIndex < header.length && (match = token.exec(header)) !== null) {
    const [, name, raw] = match;
    if (raw === undefined) {
      // A bare token starts a new challenge.
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
    } else if (current) {
      current.params[name.toLowerCase()] = raw.startsWith('"')
        ? raw.slice(1, -1).replace(/\\(.)/g, "$1")
        : raw;
    }
    if (match[0].length === 0) break;
  }
  return out;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
