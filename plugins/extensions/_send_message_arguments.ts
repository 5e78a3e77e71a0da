/**
 * `chrome.runtime.sendMessage`'s and `chrome.runtime.connect`'s arguments read and checked as
 * Chromium 156 reads them, throwing its words at the call: for `sendMessage`, `(message)`,
 * `(message, options)` or `(extensionId, message)` for two (a string or null first: an id), and
 * `(extensionId, message, options)`, the callback taken off first; for `connect`,
 * `(extensionId?, connectInfo?)`, one argument being the id when it is a string. Arguments of no
 * form are "No matching signature", options off their schema an error at the parameter, and an
 * id that is no extension id (32 letters a-p) "Invalid extension id: '<id>'". The message
 * crosses as JSON.
 *
 * @module
 */
import { noMatchingSignature } from "./_chrome_arguments.ts";
import { invocationError } from "./_chrome_invocation.ts";
import { optional, parseSchemaValue, type SchemaObject, SchemaRefusal } from "./_chrome_schema.ts";
import { toJson } from "./_port.ts";

const SEND_MESSAGE = "runtime.sendMessage(optional string extensionId, any message, optional " +
  "object options, optional function callback)";
const CONNECT = "runtime.connect(optional string extensionId, optional object connectInfo)";
const SEND_OPTIONS: SchemaObject = {
  name: "object",
  properties: { includeTlsChannelId: optional("boolean") },
};
const CONNECT_INFO: SchemaObject = {
  name: "object",
  properties: { name: optional("string"), includeTlsChannelId: optional("boolean") },
};

const isLeftOut = (value: unknown) => value === undefined || value === null;
const isObject = (value: unknown) =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Checks the id and the options of a call to `signature` whose arguments fit its form: an id
 * that is a string or left out, options that are an object or left out (then checked against
 * `schema` as `parameter`), and an id of an extension's form; answers the options Chrome hands on.
 */
function checkTargetAndOptions(
  signature: string,
  target: unknown,
  options: unknown,
  parameter: string,
  schema: SchemaObject,
): Record<string, unknown> {
  const targetFits = isLeftOut(target) || typeof target === "string";
  if (!targetFits || !(isLeftOut(options) || isObject(options))) {
    throw noMatchingSignature(signature);
  }
  let read: Record<string, unknown> = {};
  if (!isLeftOut(options)) {
    try {
      read = parseSchemaValue(options, schema) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof SchemaRefusal)) throw error;
      throw invocationError(signature, parameter, error.path, error.problem);
    }
  }
  if (typeof target === "string" && !/^[a-p]{32}$/i.test(target)) {
    throw new TypeError(`Error in invocation of ${signature}: Invalid extension id: '${target}'`);
  }
  return read;
}

/**
 * The message to send (as JSON goes through), and whether it is for another extension (which
 * nobody in websession receives).
 *
 * @example
 * ```ts
 * sendMessageArguments([{ ping: 1 }, {}], "a".repeat(32)); // { message: { ping: 1 }, elsewhere: false }
 * ```
 */
export function sendMessageArguments(
  args: unknown[],
  ownId: string,
): { message: unknown; elsewhere: boolean } {
  if (args.length === 0 || args.length > 3) throw noMatchingSignature(SEND_MESSAGE);
  const withId = args.length === 3 ||
    (args.length === 2 && (typeof args[0] === "string" || args[0] == null));
  const [target, message, options] = withId ? args : [undefined, ...args];
  checkTargetAndOptions(SEND_MESSAGE, target, options, "options", SEND_OPTIONS);
  return {
    message: JSON.parse(toJson(message)),
    elsewhere: typeof target === "string" && target !== ownId,
  };
}

/**
 * The extension a `runtime.connect` call is for (undefined: its own) and the port's name.
 *
 * @example
 * ```ts
 * connectArguments([{ name: "tab" }]); // { target: undefined, name: "tab" }
 * connectArguments([null, { name: "tab" }]); // { target: undefined, name: "tab" }
 * ```
 */
export function connectArguments(args: unknown[]): { target?: string; name: string } {
  if (args.length > 2) throw noMatchingSignature(CONNECT);
  const [target, info] = args.length === 1 && !(typeof args[0] === "string" || isLeftOut(args[0]))
    ? [undefined, args[0]]
    : args;
  const read = checkTargetAndOptions(CONNECT, target, info, "connectInfo", CONNECT_INFO);
  return {
    target: typeof target === "string" ? target : undefined,
    name: (read.name as string | undefined) ?? "",
  };
}
