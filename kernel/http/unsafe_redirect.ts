/**
 * Chromium's safe-redirect rule: a server's redirect may not lead to a local scheme, so that a
 * page's server cannot make a client read a URL it never asked for.
 *
 * @module
 */
import { NetError } from "../errors.ts";

const UNSAFE = new Set(["file:", "about:", "blob:", "data:", "filesystem:", "javascript:"]);

/**
 * Throws `net::ERR_UNSAFE_REDIRECT` when a server's redirect points to `file:`, `about:`, `blob:`,
 * `data:` (or `filesystem:`, `javascript:`), after `refused` (which lets go of the response).
 *
 * @example
 * ```ts
 * checkRedirectTarget("https://example.com/next"); // fine
 * // checkRedirectTarget("data:text/plain,x"); // throws net::ERR_UNSAFE_REDIRECT
 * ```
 */
export function checkRedirectTarget(target: string, refused?: () => void): void {
  const colon = target.indexOf(":");
  if (colon > 0 && UNSAFE.has(target.slice(0, colon + 1).toLowerCase())) {
    refused?.();
    throw new NetError("net::ERR_UNSAFE_REDIRECT", `Redirect to ${target.slice(0, 200)} refused`);
  }
}
