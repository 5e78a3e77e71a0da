/**
 * The default preset: the plugins every session gets when websession is imported from `mod.ts`
 * (Deno and Bun).
 *
 * @module
 */
import type { Plugin } from "../kernel/plugin.ts";
import { protocolPlugin } from "../plugins/protocol/mod.ts";
import { webRequestPlugin } from "../plugins/web-request/mod.ts";
import { cdpPlugin } from "../plugins/cdp/mod.ts";
import { proxyPlugin } from "../plugins/proxy/mod.ts";
import { cookiesPlugin } from "../plugins/cookies/mod.ts";

/**
 * The plugins of the default preset, in any order (their manifests' `requires` decide).
 *
 * @example
 * ```ts
 * defaultPlugins.map((p) => p.name);
 * ```
 */
export const defaultPlugins: readonly Plugin[] = [
  webRequestPlugin,
  cdpPlugin,
  proxyPlugin,
  cookiesPlugin,
  protocolPlugin,
];
