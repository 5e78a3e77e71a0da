/**
 * Declaration merging for the proxy plugin's session members: import this module (for its
 * types) and `ses.setProxy()` type-checks on every `Session`. Not part of the published export
 * graph (JSR refuses module augmentation); published code uses `ProxySession` from `./mod.ts`.
 *
 * @example
 * ```ts
 * import type {} from "./session_types.ts";
 * ```
 *
 * @module
 */
import type { ProxySessionApi } from "./mod.ts";

declare module "../../kernel/session.ts" {
  interface Session extends ProxySessionApi {}
}
