/**
 * The `./host-resolver` subpath for Deno and Bun: the host-resolver plugin (`plugins/host-resolver/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`), and the plugin wired with the system resolver.
 *
 * @example
 * ```ts
 * import { hostResolverPlugin } from "./host_resolver.ts";
 * hostResolverPlugin.manifest.api.includes("resolveHost"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/host-resolver/mod.ts";
export { hostResolverPlugin } from "../presets/default.ts";
