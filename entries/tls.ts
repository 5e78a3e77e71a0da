/**
 * The `./tls` subpath for Deno and Bun: the tls plugin (`plugins/tls/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`), and the plugin wired with the `node:tls` transport.
 *
 * @example
 * ```ts
 * import { tlsPlugin } from "./tls.ts";
 * tlsPlugin.manifest.api.includes("setSSLConfig"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/tls/mod.ts";
export { tlsPlugin } from "../presets/default.ts";
