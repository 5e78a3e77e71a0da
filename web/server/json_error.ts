/**
 * Where a JSON text first breaks the grammar, as a line and column, the same on every runtime
 * (V8 and JavaScriptCore word and place their `JSON.parse` errors differently).
 *
 * @module
 */

/** Where and how a JSON text is wrong. */
export interface JsonErrorPlace {
  /** Line, from 1. */
  line: number;
  /** Column, from 1. */
  column: number;
  /** What was found there, e.g. `Unexpected ","` or `Unexpected end of the text`. */
  problem: string;
}

const WHITESPACE = " \t\n\r";
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * The first place where `text` is not JSON, or null when it is.
 *
 * @example
 * ```ts
 * jsonErrorPlace('[\n  {"id": 1,}\n]'); // { line: 2, column: 12, problem: 'Unexpected "}"' }
 * jsonErrorPlace("[1, 2]"); // null
 * ```
 */
export function jsonErrorPlace(text: string): JsonErrorPlace | null {
  let offset: number;
  try {
    offset = firstBadOffset(text);
  } catch {
    return null; // nested too deep to scan: no place to give
  }
  if (offset < 0) return null;
  const before = text.slice(0, offset).split("\n");
  const found = text[offset];
  return {
    line: before.length,
    column: before[before.length - 1].length + 1,
    problem: found === undefined
      ? "Unexpected end of the text"
      : `Unexpected ${JSON.stringify(found)}`,
  };
}

/** The offset of the first character that breaks the grammar, or -1. */
function firstBadOffset(text: string): number {
  let i = 0;
  const bad = (): never => {
    throw new BadAt(i);
  };
  const space = () => {
    while (i < text.length && WHITESPACE.includes(text[i])) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < " ") bad();
      if (ch === '"') return void i++;
      if (ch !== "\\") {
        i++;
        continue;
      }
      i++;
      if (text[i] === "u") {
        HEX4.lastIndex = ++i;
        if (!HEX4.test(text)) bad();
        i += 4;
      } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i])) i++;
      else bad();
    }
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ",") bad();
      i++;
    }
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === "{") {
      return list("}", () => {
        space();
        if (text[i] !== '"') bad();
        string();
        space();
        if (text[i] !== ":") bad();
        i++;
        value();
      });
    }
    if (ch === "[") return list("]", value);
    if (ch === '"') return string();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) return void (i += word.length);
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) bad();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    space();
    if (i < text.length) bad();
    return -1;
  } catch (error) {
    if (error instanceof BadAt) return error.offset;
    throw error;
  }
}

class BadAt {
  constructor(readonly offset: number) {}
}
