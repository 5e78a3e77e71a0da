/**
 * The `request.data` key of a response the cache answered, in a module of its own so that
 * importing the cache plugin does not load its engine (http-cache-semantics; issue #24).
 *
 * @module
 */

/**
 * Set in `request.data` under this key when the response came from the cache (webRequest's
 * `details.fromCache`). `Symbol.for`, so that other plugins can read it without importing this one.
 *
 * @example
 * ```ts
 * FROM_CACHE === Symbol.for("websession.fromCache"); // true
 * ```
 */
export const FROM_CACHE: unique symbol = Symbol.for("websession.fromCache") as never;
