/**
 * Chrome's limits on declarative rules: a module of its own, so that `ses.declarativeNetRequest`
 * states them without loading the rule engine.
 *
 * @module
 */

/**
 * Chrome's limits.
 *
 * @example
 * ```ts
 * MAX_NUMBER_OF_SESSION_RULES; // 5000
 * ```
 */
export const MAX_NUMBER_OF_SESSION_RULES = 5000;
/**
 * Chrome's limit on dynamic rules.
 *
 * @example
 * ```ts
 * MAX_NUMBER_OF_DYNAMIC_RULES; // 30000
 * ```
 */
export const MAX_NUMBER_OF_DYNAMIC_RULES = 30000;
/**
 * Chrome's limit on regex rules (session and dynamic each).
 *
 * @example
 * ```ts
 * MAX_NUMBER_OF_REGEX_RULES; // 1000
 * ```
 */
export const MAX_NUMBER_OF_REGEX_RULES = 1000;
/**
 * Chrome's limit on dynamic rules with an unsafe action (`redirect`, `modifyHeaders`).
 *
 * @example
 * ```ts
 * MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES; // 5000
 * ```
 */
export const MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES = 5000;
/**
 * Chrome's limit on session rules with an unsafe action (`redirect`, `modifyHeaders`).
 *
 * @example
 * ```ts
 * MAX_NUMBER_OF_UNSAFE_SESSION_RULES; // 5000
 * ```
 */
export const MAX_NUMBER_OF_UNSAFE_SESSION_RULES = 5000;
