/**
 * The browser's HTTP transport: the page's `fetch`, following redirects itself (a page cannot see
 * them), without the browser's own cookies (`credentials: "omit"`: each partition keeps its jar),
 * and with failures the page cannot tell apart (`opaqueFailures`). Its own module, so that the
 * browser bundle does not carry the Deno and Bun transports.
 *
 * @module
 */
import { createFetchTransport } from "./fetch.ts";
import type { HttpTransport } from "../../kernel/transport.ts";

/**
 * The transport of the browser bundle.
 *
 * @example
 * ```ts
 * createBrowserTransport().name; // "browser"
 * ```
 */
export function createBrowserTransport(): HttpTransport {
  return createFetchTransport({
    name: "browser",
    redirect: "follow",
    credentials: "omit",
    opaqueFailures: true,
    routeUnknown: true,
  });
}
