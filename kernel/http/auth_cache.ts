/**
 * The HTTP auth cache of a session, as Chromium keeps one per network context: credentials that
 * answered a server's challenge (from a `login` handler, an `authRequired` tap, or `user:pass@` in
 * a `net.request` URL) are reused for the same protection space (origin, scheme, realm) without
 * asking again, until they are refused or `ses.clearAuthCache()` empties it. Proxy credentials
 * are the proxy plugin's own cache.
 *
 * @module
 */
import type { AuthChallenge, AuthCredentials, PipelineRequest } from "../request.ts";
import { includesCredentials } from "./credentials_mode.ts";

const caches = new WeakMap<object, Map<string, AuthCredentials>>();
const LAST_SPACE = Symbol("auth-cache.last");
const URL_IDENTITY_USED = Symbol("auth-cache.url-identity-used");

function spaceOf(challenge: AuthChallenge): string {
  return `${challenge.scheme}|${challenge.host}:${challenge.port}|${challenge.realm}`;
}

function cacheOf(owner: object): Map<string, AuthCredentials> {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, cache = new Map());
  return cache;
}

/**
 * Credentials for a server's challenge without asking: the cached ones of its protection space,
 * else those of the URL (`options.urlCredentials`, once). When the same space challenges again
 * within one request, the credentials sent were refused: they leave the cache. `undefined` when
 * the caller has to ask.
 *
 * @example
 * ```ts
 * // const known = cachedCredentials(ses.pipeline, request, challenge) ?? await ask();
 * ```
 */
export function cachedCredentials(
  owner: object,
  request: PipelineRequest,
  challenge: AuthChallenge,
): AuthCredentials | undefined {
  if (challenge.isProxy || !includesCredentials(request)) return undefined;
  const space = spaceOf(challenge);
  const cache = cacheOf(owner);
  if (request.data.get(LAST_SPACE) === space) cache.delete(space);
  request.data.set(LAST_SPACE, space);
  const cached = cache.get(space);
  if (cached) return cached;
  const fromUrl = request.options.urlCredentials as AuthCredentials | undefined;
  if (fromUrl && !request.data.has(URL_IDENTITY_USED)) {
    request.data.set(URL_IDENTITY_USED, true);
    cache.set(space, fromUrl);
    return fromUrl;
  }
  return undefined;
}

/**
 * Whether the cache could answer a challenge of this request (cheap: no challenge parsed yet).
 *
 * @example
 * ```ts
 * // if (!mayHaveCredentials(ses.pipeline, request)) return false;
 * ```
 */
export function mayHaveCredentials(owner: object, request: PipelineRequest): boolean {
  if (!includesCredentials(request)) return false;
  return (caches.get(owner)?.size ?? 0) > 0 || request.options.urlCredentials !== undefined;
}

/**
 * Remembers the credentials given for a server's challenge.
 *
 * @example
 * ```ts
 * // rememberCredentials(ses.pipeline, challenge, { username: "u", password: "p" });
 * ```
 */
export function rememberCredentials(
  owner: object,
  challenge: AuthChallenge,
  credentials: AuthCredentials,
): void {
  if (!challenge.isProxy) cacheOf(owner).set(spaceOf(challenge), credentials);
}

/**
 * Empties the server auth cache of a session's pipeline (`ses.clearAuthCache()`).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * clearAuthCache(session.fromPartition("auth-cache-example").pipeline);
 * ```
 */
export function clearAuthCache(owner: object): void {
  caches.get(owner)?.clear();
}
