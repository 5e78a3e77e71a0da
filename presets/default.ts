/**
 * The default preset: the plugins every session gets when websession is imported from `mod.ts`
 * (Deno and Bun), and the session members they add.
 *
 * @module
 */
import type { Plugin } from "../kernel/plugin.ts";
import { type ProtocolMembers, protocolPlugin } from "../plugins/protocol/mod.ts";
import { type WebRequestMembers, webRequestPlugin } from "../plugins/web-request/mod.ts";
import { type CdpMembers, cdpPlugin } from "../plugins/cdp/mod.ts";
import { type ProxyMembers, proxyPlugin } from "../plugins/proxy/mod.ts";
import { type CookiesMembers, cookiesPlugin } from "../plugins/cookies/mod.ts";

/**
 * The members a session of the default preset has: `ses.webRequest`,
 * `ses.declarativeNetRequest`, `ses.cookies`, `ses.setProxy` & co, `ses.protocol`, `ses.cdp`.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses: DefaultMembers = session.fromPartition("preset-members");
 * ses.protocol.isProtocolHandled("app"); // false
 * ```
 */
export interface DefaultMembers
  extends WebRequestMembers, CdpMembers, ProxyMembers, CookiesMembers, ProtocolMembers {}

/**
 * The plugins of the default preset, in any order (their manifests' `requires` decide).
 *
 * @example
 * ```ts
 * defaultPlugins.map((p) => p.name);
 * ```
 */
export const defaultPlugins: readonly [
  Plugin<WebRequestMembers>,
  Plugin<CdpMembers>,
  Plugin<ProxyMembers>,
  Plugin<CookiesMembers>,
  Plugin<ProtocolMembers>,
] = [
  webRequestPlugin,
  cdpPlugin,
  proxyPlugin,
  cookiesPlugin,
  protocolPlugin,
];
