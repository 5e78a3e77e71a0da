/**
 * The error of a session member that needs a renderer (a page, a GPU process, a Bluetooth stack)
 * where websession has none: a `NotSupportedError` DOMException naming the member, the runtime
 * and where it works.
 *
 * @module
 */

/**
 * Makes the error for `member` on `runtime`.
 *
 * @example
 * ```ts
 * const error = notSupported("clearCodeCaches", "deno", "Electron's renderer");
 * error.name; // "NotSupportedError"
 * ```
 */
export function notSupported(member: string, runtime: string, supportedIn: string): DOMException {
  return new DOMException(
    `ses.${member} is not supported on ${runtime}: it needs a renderer; it works in ${supportedIn}`,
    "NotSupportedError",
  );
}
