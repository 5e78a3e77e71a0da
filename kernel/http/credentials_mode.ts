/**
 * fetch's credentials mode on a request (`request.options.credentials`, set by `net.request`'s
 * `credentials` and `ses.fetch`'s init): whether the current hop carries the session's
 * credentials (cookies, HTTP authentication).
 *
 * @module
 */
import type { PipelineRequest } from "../request.ts";

/**
 * Whether the request's current hop includes credentials: never with `omit`; with `same-origin`
 * only while the hop's URL has the initiator's origin (fetch's rule, which Electron's
 * `credentials` option follows; without an initiator, as Electron's `net.fetch`, it includes
 * them); always otherwise.
 *
 * @example
 * ```ts
 * includesCredentials({
 *   url: "http://127.0.0.1:8000/a",
 *   initiator: "http://127.0.0.1:9000",
 *   options: { credentials: "same-origin" },
 * }); // false: another origin, though the same site
 * ```
 */
export function includesCredentials(
  request: Pick<PipelineRequest, "url" | "initiator" | "options">,
): boolean {
  const mode = request.options.credentials;
  if (mode === "omit") return false;
  if (mode !== "same-origin" || !request.initiator) return true;
  const origin = URL.parse(request.initiator)?.origin;
  return origin !== undefined && origin === URL.parse(request.url)?.origin;
}
