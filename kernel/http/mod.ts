/**
 * The kernel's HTTP layer: how a request walks the core's stages (hops, fetch's redirect rules,
 * authentication and its cache, the body stages, the response hand-off), fetch's arguments, and
 * requests that other senders send. It depends on the core only; `configure({ http: httpLayer })`
 * (the entries do it) hands it to every session.
 *
 * @module
 */
import type { HttpLayer } from "../request.ts";
import { prepareFetch } from "./fetch_input.ts";
import { runRequest } from "./walk.ts";

export { admitRequest, runRequest } from "./walk.ts";
export { type ExternalDecision, type ExternalRequest, externalRequest } from "./external.ts";
export {
  type AuthScheme,
  followedRedirects,
  markFollowedRedirects,
  registerAuthScheme,
  withUrl,
} from "./rules.ts";
export { clearAuthCache } from "./auth_cache.ts";
export { HopRequest, NEVER_ABORTED, RequestHeaders } from "./hop_request.ts";
export { defaultPort, parseUrl } from "./url_parts.ts";
export {
  type CustomScheme,
  isSecureScheme,
  isStandardScheme,
  registerSchemesAsPrivileged,
  type SchemePrivileges,
  schemePrivileges,
} from "./privileged_schemes.ts";
export { prepareFetch } from "./fetch_input.ts";
export { toNetError } from "./to_net_error.ts";

/**
 * The HTTP layer every session of the entries uses.
 *
 * @example
 * ```ts
 * import { configure } from "../partitions.ts";
 * configure({ http: httpLayer });
 * ```
 */
export const httpLayer: HttpLayer = Object.freeze({ prepare: prepareFetch, run: runRequest });
