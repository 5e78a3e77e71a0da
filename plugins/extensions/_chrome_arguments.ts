/**
 * A call's arguments matched to a function of Chrome's API schemas as Chromium 156's bindings
 * match them, for a function with one signature whose parameters are told apart by position: too
 * many arguments, a required one left out (`undefined` or `null`) or one of the wrong kind (a
 * string where an object goes) throw `Error in invocation of <signature>: No matching
 * signature.`; then each argument is checked against its type (`_chrome_schema.ts`) and a
 * refusal throws `Error at parameter '<name>': ...`. The callback, or the `null` or `undefined` in
 * its place, is taken off before (the Worker's `checked` does it).
 *
 * @module
 */
import { invocationError, invocationPrefix, isChromeInteger } from "./_chrome_invocation.ts";
import { parseSchemaValue, SchemaRefusal, type SchemaType } from "./_chrome_schema.ts";

/** A parameter of a function of the schema: its name, its type, whether it may be left out. */
export interface SchemaParameter {
  /** The name Chrome's messages give it. */
  readonly name: string;
  /** Its type. */
  readonly type: SchemaType;
  /** Whether it may be left out (or be null). */
  readonly optional?: boolean;
}

/**
 * The TypeError Chrome's bindings throw for a call that fits no form of `signature` (null for an
 * event's `addListener`, whose message has no "Error in invocation" prefix).
 *
 * @example
 * ```ts
 * noMatchingSignature("runtime.getURL(string path)").message;
 * // "Error in invocation of runtime.getURL(string path): No matching signature."
 * ```
 */
export function noMatchingSignature(signature: string | null): TypeError {
  return new TypeError(`${invocationPrefix(signature)}No matching signature.`);
}

/** Whether `value` is of the kind `type` takes, as signature matching looks (not inside it). */
function isOfKind(value: unknown, type: SchemaType): boolean {
  switch (type) {
    case "any":
      return true;
    case "integer":
      return isChromeInteger(value);
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
  }
  if (typeof type === "object" && "values" in type) return typeof value === "string";
  if (typeof type === "object" && "items" in type) return Array.isArray(value);
  if (typeof type === "object" && "minimum" in type) return isChromeInteger(value);
  if (typeof type === "object" && "choices" in type) {
    return type.choices.some((choice) => isOfKind(value, choice));
  }
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Checks `given` (the arguments without the callback, or the `null` or `undefined` in its place)
 * against the `parameters` of `signature` (null for an event's `addListener`); answers them as
 * Chrome's bindings hand them on (null properties and null optional arguments left out), or throws
 * Chrome's TypeError.
 *
 * @example
 * ```ts
 * const SIGNATURE = "runtime.getURL(string path)";
 * parseArguments(SIGNATURE, [{ name: "path", type: "string" }], ["a.html"]); // ["a.html"]
 * parseArguments(SIGNATURE, [{ name: "path", type: "string" }], [1]); // throws: No matching signature.
 * ```
 */
export function parseArguments(
  signature: string | null,
  parameters: readonly SchemaParameter[],
  given: readonly unknown[],
): unknown[] {
  if (given.length > parameters.length) throw noMatchingSignature(signature);
  const out: unknown[] = [];
  let next = 0; // the next argument to place
  parameters.forEach((parameter, i) => {
    const value = given[next];
    const left = given.length - next;
    if (left === 0 || value === undefined || value === null) {
      if (!parameter.optional) throw noMatchingSignature(signature);
      out.push(undefined);
      if (left > 0) next++;
    } else if (isOfKind(value, parameter.type)) {
      out.push(value);
      next++;
    } else if (parameter.optional && left < parameters.length - i) {
      out.push(undefined); // an optional parameter of another kind is skipped (tabs.update({}))
    } else throw noMatchingSignature(signature);
  });
  if (next < given.length) throw noMatchingSignature(signature);
  return out.map((value, i) => {
    if (value === undefined) return undefined;
    try {
      return parseSchemaValue(value, parameters[i].type);
    } catch (error) {
      if (!(error instanceof SchemaRefusal)) throw error;
      throw invocationError(signature, parameters[i].name, error.path, error.problem);
    }
  });
}
