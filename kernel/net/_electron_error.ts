/**
 * The errors `ClientRequest` and `IncomingMessage` emit, as Electron's: the message is the bare
 * code (`net::ERR_EMPTY_RESPONSE`, what Chromium's URL loader reports) or Electron's own sentence,
 * and the detail stays in `cause`.
 *
 * @module
 */
import { NetError } from "../errors.ts";

/**
 * The error with Electron's message: the same error when its message already is that, else a
 * NetError of the same code whose `cause` is the detailed one's cause, or the detailed one.
 *
 * @example
 * ```ts
 * import { NetError } from "../errors.ts";
 * const error = new NetError("net::ERR_EMPTY_RESPONSE", "The server closed the connection");
 * electronError(error).message; // "net::ERR_EMPTY_RESPONSE"
 * electronError(error).cause === error; // true
 * ```
 */
export function electronError(error: NetError, message: string = error.code): NetError {
  if (error.message === message) return error;
  // The root cause when there is one (a protocol handler's own error), else the detailed error.
  const bare = new NetError(error.code, undefined, { cause: error.cause ?? error });
  bare.message = message;
  return bare;
}
