/**
 * The words of Chrome's extension bindings for a call whose arguments do not fit the API's
 * schema, as Chromium 156 throws them at the call: `Error in invocation of <signature>: Error at
 * parameter '<name>': [Error at property '<p>': | Error at index <i>: ]...<problem>.`
 *
 * @module
 */

/**
 * Whether a value is what Chrome's bindings call an integer (a 32-bit one, as V8's `IsInt32`).
 *
 * @example
 * ```ts
 * isChromeInteger(3); // true
 * isChromeInteger(1e10); // false
 * ```
 */
export function isChromeInteger(value: unknown): value is number {
  return typeof value === "number" && (value | 0) === value && !Object.is(value, -0);
}

/**
 * The name Chrome's bindings give a value's type: `integer` for a 32-bit whole number, `array`, `null`,
 * and `typeof` otherwise.
 *
 * @example
 * ```ts
 * chromeTypeName(3); // "integer"
 * chromeTypeName(1.5); // "number"
 * chromeTypeName(2 ** 31); // "number"
 * chromeTypeName([]); // "array"
 * ```
 */
export function chromeTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (isChromeInteger(value)) return "integer";
  return typeof value;
}

/**
 * What Chrome's bindings put before an argument error: `Error in invocation of <signature>: `, or
 * nothing for an event's `addListener` (`signature` null).
 *
 * @example
 * ```ts
 * invocationPrefix("runtime.getURL(string path)"); // "Error in invocation of runtime.getURL(string path): "
 * invocationPrefix(null); // ""
 * ```
 */
export function invocationPrefix(signature: string | null): string {
  return signature === null ? "" : `Error in invocation of ${signature}: `;
}

/**
 * The TypeError Chrome's bindings throw for a call to `signature` (e.g.
 * `cookies.get(cookies.CookieDetails details, optional function callback)`) whose `parameter` is
 * wrong at `path` (property names and array indexes inside it): `problem` is e.g.
 * `Missing required property 'name'` or `Invalid type: expected string, found integer`. An
 * event's arguments (`signature` null) are refused without the "Error in invocation" prefix.
 *
 * @example
 * ```ts
 * invocationError("f(object o)", "o", ["ids", 0], "Invalid type: expected integer, found string")
 *   .message;
 * // "Error in invocation of f(object o): Error at parameter 'o': Error at property 'ids':
 * //  Error at index 0: Invalid type: expected integer, found string."
 * ```
 */
export function invocationError(
  signature: string | null,
  parameter: string,
  path: Array<string | number>,
  problem: string,
): TypeError {
  const where = path.map((step) =>
    typeof step === "number" ? `Error at index ${step}: ` : `Error at property '${step}': `
  ).join("");
  return new TypeError(
    `${invocationPrefix(signature)}Error at parameter '${parameter}': ${where}${problem}.`,
  );
}

/**
 * The error for a value at `path` that is not of the `expected` type.
 *
 * @example
 * ```ts
 * invalidType("f(object o)", "o", ["name"], "string", 3).message;
 * // "Error in invocation of f(object o): Error at parameter 'o': Error at property 'name':
 * //  Invalid type: expected string, found integer."
 * ```
 */
export function invalidType(
  signature: string,
  parameter: string,
  path: Array<string | number>,
  expected: string,
  value: unknown,
): TypeError {
  return invocationError(
    signature,
    parameter,
    path,
    `Invalid type: expected ${expected}, found ${chromeTypeName(value)}`,
  );
}
