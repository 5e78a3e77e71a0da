/**
 * The `./web-request` subpath for Deno and Bun: the web-request plugin (`plugins/web-request/mod.ts`), with the kernel configured for the runtime
 * (`runtime_setup.ts`), so that importing it alone gives a working default session.
 *
 * @example
 * ```ts
 * import { webRequestPlugin } from "./web_request.ts";
 * webRequestPlugin.name; // "web-request"
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";
// MatchPattern#matchesEffectiveTld is sync: the public suffix list is loaded with this entry.
import "../plugins/cookies/_tldts.ts";

export * from "../plugins/web-request/mod.ts";
