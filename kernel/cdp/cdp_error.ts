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
 * An error reply from the browser to one command. Its message names the command and adds the
 * reply's `data` (which says what was wrong, e.g. which parameter), as puppeteer's
 * `ProtocolError` does: `Target.createTarget: Invalid parameters: Failed to deserialize
 * params.url ...`; `originalMessage` is the browser's message alone.
 *
 * @example
 * ```ts
 * import { CDPError } from "./cdp_error.ts";
 *
 * const error = new CDPError("Foo.bar", { code: -32601, message: "'Foo.bar' wasn't found" });
 * console.log(error.code, error.method, error.message); // -32601 Foo.bar Foo.bar: 'Foo.bar' ...
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
  /** The browser's message, without the command's name or the data. */
  readonly originalMessage: string;

  /** Makes the error from the reply's `error` object. */
  constructor(method: string, error: CdpErrorObject, sessionId = "") {
    const original = String(error.message);
    const data = error.data === undefined
      ? ""
      : `: ${typeof error.data === "string" ? error.data : JSON.stringify(error.data)}`;
    super(`${method}: ${original}${data}`);
    this.name = "CDPError";
    this.code = Number(error.code);
    this.data = error.data;
    this.method = method;
    this.sessionId = sessionId;
    this.originalMessage = original;
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

/**
 * The browser's own message of a failed command (a {@linkcode CDPError}'s `originalMessage`), or
 * the message of any other error: for wrapping it in an error of another API's wording.
 *
 * @example
 * ```ts
 * import { browserMessage, CDPError } from "./cdp_error.ts";
 *
 * const error = new CDPError("Storage.setCookies", { code: -32602, message: "Invalid cookie" });
 * console.log(`Failed to set cookie: ${browserMessage(error)}`); // ...: Invalid cookie
 * ```
 */
export function browserMessage(error: unknown): string {
  if (error instanceof CDPError) return error.originalMessage;
  return error instanceof Error ? error.message : String(error);
}
