/**
 * The schema checks of a `chrome.cookies` call's `details`, in Chrome's bindings' words as
 * Chromium 156 throws them at the call: `Error in invocation of cookies.get(cookies.CookieDetails
 * details, optional function callback): Error at parameter 'details': Missing required property
 * 'name'.` The background Worker runs them where the call is made; the session side
 * (`cookie_calls.ts`) runs them again for a call that bypassed the Worker's bindings, then checks
 * what Chrome's cookies API itself refuses (store, URL, host access, a partition key's values).
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

/**
 * Throws Chrome's TypeError when the `details` of `cookies.<op>(details)` (`args` without the
 * callback) do not fit the schema: `get` and `remove` need a string `name`, and a `partitionKey`
 * is an object with a string `topLevelSite` and a boolean `hasCrossSiteAncestor`, each optional.
 * Details that are not an object are left to the session, which reads them as `{}`.
 *
 * @example
 * ```ts
 * checkCookiesCall("get", [{ url: "https://a.example/", name: "sid" }]); // fine
 * try {
 *   checkCookiesCall("remove", [{ url: "https://a.example/" }]);
 * } catch (error) {
 *   (error as Error).message; // "... Error at parameter 'details': Missing required property 'name'."
 * }
 * ```
 */
export function checkCookiesCall(op: string, args: readonly unknown[]): void {
  const details = args[0];
  if (details === null || typeof details !== "object") return;
  const d = details as Record<string, unknown>;
  if (op === "get" || op === "remove") {
    if (d.name === undefined) {
      throw cookiesArgumentError(op, [], "Missing required property 'name'");
    }
    if (typeof d.name !== "string") throw invalidCookiesType(op, ["name"], "string", d.name);
  }
  const key = d.partitionKey;
  if (key === undefined) return;
  if (key === null || typeof key !== "object" || Array.isArray(key)) {
    throw invalidCookiesType(op, ["partitionKey"], "cookies.CookiePartitionKey", key);
  }
  const { topLevelSite, hasCrossSiteAncestor } = key as Record<string, unknown>;
  if (topLevelSite !== undefined && typeof topLevelSite !== "string") {
    throw invalidCookiesType(op, ["partitionKey", "topLevelSite"], "string", topLevelSite);
  }
  if (hasCrossSiteAncestor !== undefined && typeof hasCrossSiteAncestor !== "boolean") {
    const path = ["partitionKey", "hasCrossSiteAncestor"];
    throw invalidCookiesType(op, path, "boolean", hasCrossSiteAncestor);
  }
}
