/**
 * The errors a CDP call rejects with: {@linkcode CDPError} for an error reply from the browser,
 * {@linkcode CDPClosedError} when the connection closes or the session detaches first.
 *
 * @module
 */

/** The `error` member of a CDP reply. */
export interface CdpErrorObject {
  /** The JSON-RPC error code, e.g. -32601 for an unknown method. */
  code: number;
  /** The browser's message. */
  message: string;
  /** Extra detail some commands add. */
  data?: unknown;
}

/**
 * An error reply from the browser to one command.
 *
 * @example
 * ```ts
 * import { CDPError } from "./cdp_error.ts";
 *
 * const error = new CDPError("Foo.bar", { code: -32601, message: "'Foo.bar' wasn't found" });
 * console.log(error.code, error.method, error.message);
 * ```
 */
export class CDPError extends Error {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** The `data` member of the reply, if any. */
  readonly data: unknown;
  /** The command that failed. */
  readonly method: string;
  /** The session the command was sent to (`""` for the browser session). */
  readonly sessionId: string;

  /** Makes the error from the reply's `error` object. */
  constructor(method: string, error: CdpErrorObject, sessionId = "") {
    super(String(error.message));
    this.name = "CDPError";
    this.code = Number(error.code);
    this.data = error.data;
    this.method = method;
    this.sessionId = sessionId;
  }
}

/**
 * A command that could not complete because its connection closed, its session detached (the
 * target closed or swapped) or its target crashed, before or while it was pending.
 *
 * @example
 * ```ts
 * import { CDPClosedError } from "./cdp_error.ts";
 *
 * const error = new CDPClosedError("Runtime.evaluate", "Session detached", "ABC");
 * console.log(error.message); // "Runtime.evaluate: Session detached"
 * ```
 */
export class CDPClosedError extends Error {
  /** The command that could not complete. */
  readonly method: string;
  /** The session it was sent to (`""` for the browser session). */
  readonly sessionId: string;
  /**
   * Why: `Session detached`, `Target crashed` (the session stays attached: a reload makes it
   * answer again), or the transport's reason for closing (`Connection closed` if none).
   */
  readonly reason: string;

  /** Makes the error for one command. */
  constructor(method: string, reason: string, sessionId = "") {
    super(`${method}: ${reason}`);
    this.name = "CDPClosedError";
    this.method = method;
    this.reason = reason;
    this.sessionId = sessionId;
  }
}
