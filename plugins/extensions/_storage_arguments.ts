/**
 * `chrome.storage` calls as Chrome's bindings take them, in the background Worker: the argument
 * forms each method accepts (anything else throws Chromium 156's "No matching signature" at the
 * call), and the values `set` stores, converted as Chrome converts them before it stores JSON
 * (undefined, functions, symbols, BigInts, NaN and Infinity dropped from objects and null in
 * arrays; a cycle null; Dates, Maps, RegExps and boxed values their own enumerable properties;
 * binary data refused with "Cannot serialize value to JSON").
 *
 * @module
 */
import { invocationError } from "./_chrome_invocation.ts";

const SIGNATURES: Record<string, string> = {
  get: "storage.get(optional [string|array|object] keys, optional function callback)",
  set: "storage.set(object items, optional function callback)",
  remove: "storage.remove([string|array] keys, optional function callback)",
  getBytesInUse: "storage.getBytesInUse(optional [string|array] keys, optional function callback)",
  getKeys: "storage.getKeys(optional function callback)",
  clear: "storage.clear(optional function callback)",
};

const isObject = (value: unknown) =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Whether `value` fits the first parameter of `op` (undefined: left out). */
function fits(op: string, value: unknown): boolean {
  switch (op) {
    case "get":
      return value === undefined || value === null || typeof value === "string" ||
        Array.isArray(value) || isObject(value);
    case "set":
      return isObject(value);
    case "remove":
      return typeof value === "string" || Array.isArray(value);
    case "getBytesInUse":
      return value === undefined || value === null || typeof value === "string" ||
        Array.isArray(value);
    default:
      return value === undefined;
  }
}

/**
 * Throws Chrome's TypeError when the arguments of `storage.<area>.<op>(...)` (without the
 * callback) do not fit its signature.
 *
 * @example
 * ```ts
 * checkStorageCall("get", ["key"]); // fine
 * try {
 *   checkStorageCall("get", [42]);
 * } catch (error) {
 *   (error as Error).message; // "Error in invocation of storage.get(...): No matching signature."
 * }
 * ```
 */
export function checkStorageCall(op: string, args: readonly unknown[]): void {
  const signature = SIGNATURES[op];
  if (!signature) return;
  const takes = op === "getKeys" || op === "clear" ? 0 : 1;
  if (args.length > takes || !fits(op, args[0])) {
    throw new TypeError(`Error in invocation of ${signature}: No matching signature.`);
  }
  if (Array.isArray(args[0]) && args[0].some((key) => typeof key !== "string")) {
    throw invocationError(signature, "keys", [], "Value did not match any choice");
  }
}

const DROP = Symbol("dropped");

function convert(value: unknown, ancestors: object[]): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value + 0 : DROP; // -0 is 0
    case "object":
      break;
    default:
      return DROP; // undefined, functions, symbols, BigInts
  }
  if (value === null) return null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new Error("Cannot serialize value to JSON");
  }
  if (ancestors.includes(value)) return null;
  ancestors.push(value);
  let out: unknown;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = convert(value[i], ancestors);
      items.push(item === DROP ? null : item);
    }
    out = items;
  } else {
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const field = convert((value as Record<string, unknown>)[key], ancestors);
      if (field !== DROP) fields[key] = field;
    }
    out = fields;
  }
  ancestors.pop();
  return out;
}

/**
 * The object `set` (or `get`'s defaults) hands on, converted as Chrome converts it: what JSON
 * cannot hold is left out or made null, as Chrome stores it.
 *
 * @example
 * ```ts
 * chromeStorageItems({ a: 1, b: undefined, c: () => 1, d: new Date(0), e: [NaN] });
 * // { a: 1, d: {}, e: [null] }
 * ```
 */
export function chromeStorageItems(items: Record<string, unknown>): Record<string, unknown> {
  return convert(items, []) as Record<string, unknown>;
}
