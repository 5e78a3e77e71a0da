/**
 * The `./cookies` subpath for Deno and Bun: the cookies plugin (`plugins/cookies/mod.ts`), with the kernel configured for the runtime
 * (`runtime_setup.ts`), so that importing it alone gives a working default session.
 *
 * @example
 * ```ts
 * import { cookiesPlugin } from "./cookies.ts";
 * cookiesPlugin.manifest.api.includes("cookies"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";
// CookieJar and the domain helpers are sync: the public suffix list is loaded with this entry.
import "../plugins/cookies/_tldts.ts";

export * from "../plugins/cookies/mod.ts";
