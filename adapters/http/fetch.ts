/**
 * The HTTP transport on the Web's `fetch`: the base of the Deno and Bun adapters, and the
 * browser's transport as it is.
 *
 * @module
 */
import { NetError, toNetError } from "../../kernel/errors.ts";
import { NEVER_ABORTED } from "../../kernel/pipeline.ts";
import { type PipelineRequest, RequestHeaders } from "../../kernel/request.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";
import { sendError, withBodyErrors } from "./_broken_body.ts";

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /** The adapter's name (default `fetch`). */
  name?: string;
  /** The fetch function (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * `manual` (default) hands every redirect to the pipeline; `follow` lets fetch follow them
   * (browsers return opaque redirects in manual mode, so the browser adapter follows).
   */
  redirect?: "manual" | "follow";
  /**
   * fetch's `credentials` for every send (default: fetch's own). The browser adapter sends with
   * `omit`: a partition keeps its own jar, and the browser's cookie store must neither leak into
   * its requests nor be written by them.
   */
  credentials?: RequestCredentials;
  /** Extra `RequestInit` fields for one send (e.g. a proxy client); may throw a NetError. */
  extraInit?: (request: PipelineRequest, options: TransportOptions) => Record<string, unknown>;
  /** Closes pooled connections. */
  closeAllConnections?: () => void | Promise<void>;
}

const SCHEMES = new Set(["http:", "https:", "data:", "blob:"]);

/**
 * Makes a transport that sends each hop with `fetch`.
 *
 * @example
 * ```ts
 * const transport = createFetchTransport({ name: "browser", redirect: "follow" });
 * transport.name; // "browser"
 * ```
 */
export function createFetchTransport(options: FetchTransportOptions = {}): HttpTransport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const redirect = options.redirect ?? "manual";
  const credentials = options.credentials;
  return {
    name: options.name ?? "fetch",
    async fetch(request: PipelineRequest, sendOptions: TransportOptions = {}): Promise<Response> {
      const scheme = request.url.slice(0, request.url.indexOf(":") + 1).toLowerCase();
      if (!SCHEMES.has(scheme)) {
        throw new NetError(
          "net::ERR_UNKNOWN_URL_SCHEME",
          `No handler for the scheme of ${request.url}`,
        );
      }
      // Only what differs from fetch's defaults: an empty Headers or a null body still costs
      // Deno's fetch a conversion per request (a sorted copy of the headers: about 5% of a
      // loopback request).
      const init: Record<string, unknown> = { redirect };
      if (credentials !== undefined) init.credentials = credentials;
      if (request.method !== "GET") init.method = request.method;
      if (request.body !== null) init.body = request.body;
      const headers = request.headers;
      if (!(headers instanceof RequestHeaders) || headers.mayHaveEntries) init.headers = headers;
      if (request.signal !== NEVER_ABORTED) init.signal = request.signal;
      if (request.body instanceof ReadableStream) init.duplex = "half";
      if (options.extraInit) Object.assign(init, options.extraInit(request, sendOptions));
      else if (sendOptions.proxy) {
        throw new NetError(
          "net::ERR_NOT_IMPLEMENTED",
          `The ${options.name ?? "fetch"} transport cannot send through a proxy`,
        );
      }
      let response: Response;
      try {
        response = await doFetch(request.url, init as RequestInit);
      } catch (error) {
        throw scheme === "data:" || scheme === "blob:"
          ? toNetError(error, request.signal)
          : sendError(error, request.signal);
      }
      return scheme === "data:" || scheme === "blob:"
        ? response
        : withBodyErrors(response, request.signal);
    },
    closeAllConnections: options.closeAllConnections,
  };
}
