/**
 * The two errors the pipeline raises itself: a request a tap cancelled, and an aborted one.
 *
 * @module
 */
import { NetError } from "./errors.ts";

/**
 * The error of a request a tap cancelled, naming the tap and its reason.
 *
 * @example
 * ```ts
 * blocked("web-request:declarativeNetRequest", "rule 7 (_dynamic)").code; // "net::ERR_BLOCKED_BY_CLIENT"
 * ```
 */
export function blocked(by: string, reason?: string): NetError {
  return new NetError(
    "net::ERR_BLOCKED_BY_CLIENT",
    `Blocked by ${by}${reason ? `: ${reason}` : ""}`,
  );
}

/**
 * Throws `net::ERR_ABORTED` when the signal has aborted.
 *
 * @example
 * ```ts
 * throwIfAborted(new AbortController().signal); // nothing
 * ```
 */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new NetError("net::ERR_ABORTED", "The request was aborted", { cause: signal.reason });
  }
}
