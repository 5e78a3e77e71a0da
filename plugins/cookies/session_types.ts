/**
 * Declaration merging for the cookies plugin's session member: import this module (for its
 * types) and `ses.cookies` type-checks on every `Session`. Not part of the published export graph
 * (JSR refuses module augmentation); published code uses `CookiesSession` from `./mod.ts`.
 *
 * @example
 * ```ts
 * import type {} from "./session_types.ts";
 * ```
 *
 * @module
 */
import type { Cookies } from "./api.ts";

declare module "../../kernel/session.ts" {
  interface Session {
    /** The session's cookies (the cookies plugin). */
    readonly cookies: Cookies;
  }
}
