/**
 * The `./user-agent` subpath for Deno and Bun: the user-agent plugin (`plugins/user-agent/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { userAgentPlugin } from "./user_agent.ts";
 * userAgentPlugin.manifest.api.includes("setUserAgent"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/user-agent/mod.ts";
