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
import { invocationError } from "./_chrome_invocation.ts";
import {
  optional,
  parseSchemaValue,
  required,
  type SchemaObject,
  SchemaRefusal,
} from "./_chrome_schema.ts";

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
export function cookiesArgumentError(
  op: string,
  path: ReadonlyArray<string | number>,
  problem: string,
): TypeError {
  return invocationError(signature(op), "details", [...path], problem);
}

/**
 * Chrome's `cookies.SameSiteStatus` values (`chrome.cookies.SameSiteStatus`'s too).
 *
 * @example
 * ```ts
 * SAME_SITE_STATUSES.includes("lax"); // true
 * ```
 */
export const SAME_SITE_STATUSES: readonly string[] = [
  "no_restriction",
  "lax",
  "strict",
  "unspecified",
];

const PARTITION_KEY: SchemaObject = {
  name: "cookies.CookiePartitionKey",
  properties: { topLevelSite: optional("string"), hasCrossSiteAncestor: optional("boolean") },
};
const COOKIE_DETAILS: SchemaObject = {
  name: "cookies.CookieDetails",
  properties: {
    url: required("string"),
    name: required("string"),
    storeId: optional("string"),
    partitionKey: optional(PARTITION_KEY),
  },
};
/** Each method's `details`, as Chromium 156's cookies schema has them. */
const DETAILS: Readonly<Record<string, SchemaObject>> = {
  get: COOKIE_DETAILS,
  remove: COOKIE_DETAILS,
  getAll: {
    name: "object",
    properties: {
      url: optional("string"),
      domain: optional("string"),
      name: optional("string"),
      path: optional("string"),
      secure: optional("boolean"),
      session: optional("boolean"),
      storeId: optional("string"),
      partitionKey: optional(PARTITION_KEY),
    },
  },
  set: {
    name: "object",
    properties: {
      url: required("string"),
      name: optional("string"),
      value: optional("string"),
      domain: optional("string"),
      path: optional("string"),
      secure: optional("boolean"),
      httpOnly: optional("boolean"),
      sameSite: optional({ name: "cookies.SameSiteStatus", values: SAME_SITE_STATUSES }),
      expirationDate: optional("number"),
      storeId: optional("string"),
      partitionKey: optional(PARTITION_KEY),
    },
  },
};

/**
 * The `details` of `cookies.<op>(details)` (`args` without the callback) as Chrome's bindings hand
 * them on (null properties left out); throws Chrome's TypeError when they do not fit the schema: `details` missing or not an object
 * matches no signature; a property missing, unknown, of the wrong type or outside its enum is an
 * error at parameter 'details'. `getAllCookieStores` takes no argument.
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
export function checkCookiesCall(
  op: string,
  args: readonly unknown[],
): Record<string, unknown> {
  let count = args.length;
  while (count > 0 && args[count - 1] === undefined) count--;
  const details = DETAILS[op];
  if (!details) {
    if (count > 0) throw noMatchingSignature(op);
    return {};
  }
  const given = args[0];
  if (count !== 1 || given === null || typeof given !== "object" || Array.isArray(given)) {
    throw noMatchingSignature(op);
  }
  try {
    return parseSchemaValue(given, details) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof SchemaRefusal)) throw error;
    throw cookiesArgumentError(op, error.path, error.problem);
  }
}

function noMatchingSignature(op: string): TypeError {
  const parameters = op === "getAllCookieStores" ? "optional function callback" : undefined;
  return new TypeError(
    `Error in invocation of ${
      parameters ? `cookies.${op}(${parameters})` : signature(op)
    }: No matching signature.`,
  );
}
