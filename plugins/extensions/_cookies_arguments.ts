/**
 * Chrome's bindings' words for a `chrome.cookies` call whose `details` do not fit the schema, as
 * Chromium 156 throws them: `Error in invocation of cookies.get(cookies.CookieDetails details,
 * optional function callback): Error at parameter 'details': Missing required property 'name'.`
 *
 * @module
 */

/** The first parameter of each method, as Chrome's bindings name it in their messages. */
const DETAILS_PARAMETER: Record<string, string> = {
  get: "cookies.CookieDetails details",
  remove: "cookies.CookieDetails details",
  getAll: "object details",
  set: "object details",
};

/**
 * The name Chrome's bindings give a value's type: `integer` for a whole number, `array`, `null`,
 * and `typeof` otherwise.
 *
 * @example
 * ```ts
 * chromeTypeName(3); // "integer"
 * chromeTypeName(1.5); // "number"
 * chromeTypeName([]); // "array"
 * ```
 */
export function chromeTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isInteger(value)) return "integer";
  return typeof value;
}

/**
 * The TypeError Chrome's bindings throw for `cookies.<op>(details)` when something at `path`
 * (property names inside `details`) is wrong: `problem` is e.g. `Missing required property
 * 'name'` or `Invalid type: expected string, found integer`.
 *
 * @example
 * ```ts
 * cookiesArgumentError("get", [], "Missing required property 'name'").message;
 * // "Error in invocation of cookies.get(cookies.CookieDetails details, optional function
 * //  callback): Error at parameter 'details': Missing required property 'name'."
 * ```
 */
export function cookiesArgumentError(op: string, path: string[], problem: string): TypeError {
  const where = path.map((property) => `Error at property '${property}': `).join("");
  return new TypeError(
    `Error in invocation of cookies.${op}(${
      DETAILS_PARAMETER[op] ?? "object details"
    }, optional function callback): Error at parameter 'details': ${where}${problem}.`,
  );
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
  return cookiesArgumentError(
    op,
    path,
    `Invalid type: expected ${expected}, found ${chromeTypeName(value)}`,
  );
}
