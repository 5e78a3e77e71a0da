/**
 * `chrome.runtime.sendMessage`'s arguments read as Chrome reads them: `(message)`,
 * `(message, options)` or `(extensionId, message)` for two (a string or null first: an id), and
 * `(extensionId, message, options)`; the callback is taken off first. The message crosses as JSON.
 *
 * @module
 */
import { toJson } from "./_port.ts";

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
  if (args.length === 0 || args.length > 3) {
    throw new TypeError(
      "Error in invocation of runtime.sendMessage(optional string extensionId, any message, " +
        "optional object options, optional function callback): No matching signature.",
    );
  }
  const withId = args.length === 3 ||
    (args.length === 2 && (typeof args[0] === "string" || args[0] == null));
  const [target, message] = withId ? args : [undefined, args[0]];
  return {
    message: JSON.parse(toJson(message)),
    elsewhere: typeof target === "string" && target !== ownId,
  };
}
