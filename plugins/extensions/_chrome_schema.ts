/**
 * A value checked against a type of Chrome's API schemas as Chromium 156's bindings check it
 * (`extensions/renderer/bindings/argument_spec.cc`'s order): an object's own properties in the
 * order they were given (an unknown one, a required one that is null, a value of the wrong type),
 * then the required properties it lacks, by name; `integer` is a 32-bit one; a `number` is
 * finite. What passes comes back as Chrome's bindings hand it on: a copy with the properties that
 * are `null` or `undefined` left out. Plain code of this folder: the background Worker and the
 * session side run the same schemas.
 *
 * @module
 */
import { chromeTypeName, isChromeInteger } from "./_chrome_invocation.ts";

/** An enum of the schema: its name (`cookies.SameSiteStatus`) and its values. */
export interface SchemaEnum {
  /** The name the bindings' type errors give it. */
  readonly name: string;
  /** The values it takes. */
  readonly values: readonly string[];
}

/** An array of the schema, with the type of its items. */
export interface SchemaArray {
  /** The type of each item. */
  readonly items: SchemaType;
}

/** An integer with a least value (`Value must be at least 0`). */
export interface SchemaBoundedInteger {
  /** The least value taken. */
  readonly minimum: number;
}

/** A value of one of several types (`[string|array]`), tried in order. */
export interface SchemaChoice {
  /** The name the bindings' type errors give it (`[string|array]`). */
  readonly name: string;
  /** The types it may be. */
  readonly choices: readonly SchemaType[];
}

/** A property of a schema object: its type, and whether it may be left out. */
export interface SchemaProperty {
  /** Its type. */
  readonly type: SchemaType;
  /** Whether it may be left out (or be null). */
  readonly optional?: boolean;
}

/** An object of the schema: its name (`declarativeNetRequest.Rule`, or `object`) and properties. */
export interface SchemaObject {
  /** The name the bindings' type errors give it. */
  readonly name: string;
  /** Its properties; no other is taken. */
  readonly properties: Readonly<Record<string, SchemaProperty>>;
}

/**
 * A type of the schema; `object` alone is any object (not an array) and `any` any value, each
 * taken as it is.
 */
export type SchemaType =
  | "any"
  | "string"
  | "boolean"
  | "integer"
  | "number"
  | "object"
  | SchemaEnum
  | SchemaArray
  | SchemaChoice
  | SchemaBoundedInteger
  | SchemaObject;

/** Where a value failed its schema, and why (Chrome's words, without the final period). */
export class SchemaRefusal extends Error {
  /**
   * `path` leads from the checked value to the value the problem is about (property names and
   * array indexes), as Chrome's message walks it; `field` adds the property an unknown or missing
   * property's problem names.
   */
  constructor(
    readonly problem: string,
    readonly path: Array<string | number> = [],
    readonly field: Array<string | number> = [],
  ) {
    super(problem);
  }
}

/**
 * A property that must be there.
 *
 * @example
 * ```ts
 * required("string"); // { type: "string" }
 * ```
 */
export function required(type: SchemaType): SchemaProperty {
  return { type };
}

/**
 * A property that may be left out.
 *
 * @example
 * ```ts
 * optional("boolean"); // { type: "boolean", optional: true }
 * ```
 */
export function optional(type: SchemaType): SchemaProperty {
  return { type, optional: true };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Checks `value` against `type`; answers the copy Chrome's bindings hand on, or throws a
 * {@linkcode SchemaRefusal}.
 *
 * @example
 * ```ts
 * const point = { name: "Point", properties: { x: required("integer") } };
 * parseSchemaValue({ x: 1, y: null }, point); // throws: Unexpected property: 'y'
 * ```
 */
export function parseSchemaValue(value: unknown, type: SchemaType): unknown {
  if (typeof type === "string") {
    switch (type) {
      case "any":
        return value;
      case "string":
        return typeof value === "string" ? value : wrongType(value, "string");
      case "boolean":
        return typeof value === "boolean" ? value : wrongType(value, "boolean");
      case "integer":
        return isChromeInteger(value) ? value : wrongType(value, "integer");
      case "number":
        if (typeof value !== "number") wrongType(value, "number");
        if (!Number.isFinite(value)) throw new SchemaRefusal("Value must not be NaN or Infinity");
        return value;
      case "object":
        return isObject(value) ? value : wrongType(value, "object");
    }
  }
  if ("values" in type) {
    if (typeof value !== "string") wrongType(value, type.name);
    if (type.values.includes(value as string)) return value;
    throw new SchemaRefusal(`Value must be one of ${[...type.values].sort().join(", ")}`);
  }
  if ("choices" in type) return parseChoice(value, type);
  if ("minimum" in type) {
    if (!isChromeInteger(value)) wrongType(value, "integer");
    if ((value as number) >= type.minimum) return value;
    throw new SchemaRefusal(`Value must be at least ${type.minimum}`);
  }
  if ("items" in type) {
    if (!Array.isArray(value)) wrongType(value, "array");
    const list = value as unknown[];
    const out = new Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = within(i, list[i], type.items);
    return out;
  }
  if (!isObject(value)) return wrongType(value, type.name);
  const out: Record<string, unknown> = {};
  let requiredSeen = 0;
  for (const key of Object.keys(value)) {
    const property = Object.hasOwn(type.properties, key) ? type.properties[key] : undefined;
    if (!property) throw new SchemaRefusal(`Unexpected property: '${key}'`, [], [key]);
    const item = value[key];
    if (item === undefined || item === null) {
      if (!property.optional) {
        throw new SchemaRefusal(`Missing required property '${key}'`, [], [key]);
      }
      continue;
    }
    out[key] = within(key, item, property.type);
    if (!property.optional) requiredSeen++;
  }
  const needed = requiredNames(type);
  if (requiredSeen < needed.length) {
    const missing = needed.find((key) => !Object.hasOwn(out, key))!;
    throw new SchemaRefusal(`Missing required property '${missing}'`, [], [missing]);
  }
  return out;
}

/**
 * The first choice `value` fits; a value of none of the choices' kinds is of the wrong type, and
 * one of a choice's kind that fails inside it matches no choice (Chrome's two messages).
 */
function parseChoice(value: unknown, type: SchemaChoice): unknown {
  let inside = false;
  for (const choice of type.choices) {
    try {
      return parseSchemaValue(value, choice);
    } catch (error) {
      if (!(error instanceof SchemaRefusal)) throw error;
      if (error.path.length > 0 || !error.problem.startsWith("Invalid type")) inside = true;
    }
  }
  if (inside) throw new SchemaRefusal("Value did not match any choice");
  return wrongType(value, type.name);
}

function wrongType(value: unknown, expected: string): never {
  throw new SchemaRefusal(`Invalid type: expected ${expected}, found ${chromeTypeName(value)}`);
}

/** `parseSchemaValue` of the item at `key`, whose refusal gets the key in front of its path. */
function within(key: string | number, item: unknown, type: SchemaType): unknown {
  try {
    return parseSchemaValue(item, type);
  } catch (error) {
    if (error instanceof SchemaRefusal) {
      error.path.unshift(key);
      error.field.unshift(key);
    }
    throw error;
  }
}

const requiredByObject = new WeakMap<SchemaObject, readonly string[]>();

/** An object's required properties, by name (the order Chrome reports a missing one in). */
function requiredNames(type: SchemaObject): readonly string[] {
  let names = requiredByObject.get(type);
  if (!names) {
    names = Object.keys(type.properties).filter((key) => !type.properties[key].optional).sort();
    requiredByObject.set(type, names);
  }
  return names;
}
