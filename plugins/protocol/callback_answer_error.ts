/**
 * The failure a callback protocol's answer asked for (`{ error: n }`, or an answer of the wrong
 * shape): the protocol tap lets it through as is, where any other error a handler throws becomes
 * `net::ERR_UNEXPECTED`. Apart from `callback_protocols.ts`, which loads with the first callback
 * protocol's request, so that the tap can tell it without loading that.
 *
 * @module
 */
import { NetError } from "../../kernel/errors.ts";

/**
 * A failure the callback's answer asked for: it passes through the protocol tap as is.
 *
 * @example
 * ```ts
 * new CallbackAnswerError("net::ERR_FAILED", "not a string").code; // "net::ERR_FAILED"
 * ```
 */
export class CallbackAnswerError extends NetError {}
