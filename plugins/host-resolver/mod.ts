/**
 * The host-resolver plugin: Electron's `ses.resolveHost(host, options)` (through the session
 * transport's host resolver rules and the system resolver the entry hands over),
 * `ses.clearHostResolverCache()` (empties what websession caches: `resolveHost`'s answers),
 * `ses.preconnect({ url, numSockets })` with the session's `preconnect` event, and
 * `ses.allowNTLMCredentialsForDomains(domains)` (a `NotSupportedError`: see `ntlm.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("resolver-doc");
 * const { endpoints } = await ses.resolveHost("localhost", { queryType: "A" });
 * endpoints[0].address; // "127.0.0.1"
 * ```
 *
 * @module
 */
export type * from "../../kernel/mod.ts";
export { HostCache } from "./host_cache.ts";
export { checkResolveHostArgs, resolveHost } from "./resolve_host.ts";
export type {
  ResolveContext,
  ResolvedEndpoint,
  ResolvedHost,
  ResolveHostOptions,
} from "./resolve_host.ts";
export { checkPreconnect } from "./preconnect.ts";
export type { PreconnectOptions } from "./preconnect.ts";
export { allowNtlmCredentialsForDomains } from "./ntlm.ts";
export {
  createHostResolverPlugin,
  type HostResolverMembers,
  hostResolverPlugin,
  type HostResolverPluginOptions,
} from "./plugin.ts";
