/**
 * Chrome's bindings' words for a `chrome.cookies` call whose `details` do not fit the schema, as
 * Chromium 156 throws them: `Error in invocation of cookies.get(cookies.CookieDetails details,
 * optional function callback): Error at parameter 'details': Missing required property 'name'.`
 *
 * @module
 */
import { invalidType, invocationError } from "./_chrome_invocation.ts";

/** The first parameter of each method, as Chrome's bindings name it in their messages. */
const DETAILS_PARAMETER: Record<string, string> = {
  get: "cookies.CookieDetails details",
  remove: "cookies.CookieDetails details",
  getAll: "object details",
  set: "object details",
};

const signature = (op: string) =>
  `cookies.${op}(${DETAILS_PARAMETER[op] ?? "object details"}, optional function callback)`;

/**
 * The TypeError Chrome's bindings throw for `cookies.<op>(details)` when something at `path`
 * (property names inside `details`) is wrong.
 *
 * @example
 * ```ts
 * cookiesArgumentError("get", [], "Missing required property 'name'").message;
 * // "Error in invocation of cookies.get(cookies.CookieDetails details, optional function
 * //  callback): Error at parameter 'details': Missing required property 'name'."
 * ```
 */
export function cookiesArgumentError(op: string, path: string[], problem: string): TypeError {
  return invocationError(signature(op), "details", path, problem);
}

/**
 * The error for a property of `details` at `path` whose value is not of the `expected` type.
 *
 * @example
 * ```ts
 * invalidCookiesType("getAll", ["partitionKey"], "cookies.CookiePartitionKey", "x").message;
 * // "... Error at property 'partitionKey': Invalid type: expected cookies.CookiePartitionKey, found string."
 * ```
 */
export function invalidCookiesType(
  op: string,
  path: string[],
  expected: string,
  value: unknown,
): TypeError {
  return invalidType(signature(op), "details", path, expected, value);
}
