/**
 * The request headers the session's own network stack adds (the `Authorization` or
 * `Proxy-Authorization` of a retry with credentials), as opposed to the caller's. Chromium adds
 * such headers after webRequest's `onBeforeSendHeaders` ran (its auth controller, in the
 * transaction), so listeners never see them, nor can remove them; the headers the caller set are
 * in view. The walk marks what it adds; the web-request plugin hides the marked ones from
 * `onBeforeSendHeaders` and puts them back into a listener's answer.
 *
 * @module
 */
import type { PipelineRequest } from "../request.ts";

const STACK_HEADERS = Symbol("websession: request headers the network stack added");

/**
 * Sets a header the network stack adds on `request` (for this and the later hops) and marks it as
 * the stack's.
 *
 * @example
 * ```ts
 * const request = { headers: new Headers(), data: new Map() };
 * addStackHeader(request, "authorization", "Basic dTpw");
 * stackHeaders(request)?.has("authorization"); // true
 * ```
 */
export function addStackHeader(
  request: Pick<PipelineRequest, "headers" | "data">,
  name: string,
  value: string,
): void {
  const headers = new Headers(request.headers);
  headers.set(name, value);
  request.headers = headers;
  let names = request.data.get(STACK_HEADERS) as Set<string> | undefined;
  if (names === undefined) request.data.set(STACK_HEADERS, names = new Set());
  names.add(name.toLowerCase());
}

/**
 * The names (lower case) of the headers the network stack added to `request`; undefined when it
 * added none (the common case: nothing to hide).
 *
 * @example
 * ```ts
 * stackHeaders({ headers: new Headers(), data: new Map() }); // undefined
 * ```
 */
export function stackHeaders(
  request: Pick<PipelineRequest, "headers" | "data">,
): ReadonlySet<string> | undefined {
  return request.data.get(STACK_HEADERS) as Set<string> | undefined;
}
