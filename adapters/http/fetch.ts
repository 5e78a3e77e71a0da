/**
 * The HTTP transport on the Web's `fetch`: the base of the Deno and Bun adapters, and the
 * browser's transport as it is.
 *
 * @module
 */
import { NetError } from "../../kernel/errors.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { NEVER_ABORTED, RequestHeaders } from "../../kernel/http/hop_request.ts";
import { markFollowedRedirects } from "../../kernel/http/rules.ts";
import { noteSentTo } from "../../kernel/http/remote_address.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";
import { sendError, withBodyErrors } from "./_broken_body.ts";
import { headerPairs } from "./_header_pairs.ts";

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
  /**
   * The fetch's failures say nothing of their cause (a browser's: CORS, a refused connection, an
   * unsafe port and an unresolved name are all "Failed to fetch"): `net::ERR_FAILED` says so.
   */
  opaqueFailures?: boolean;
  /**
   * Serve `file:` URLs asked for directly (Deno's and Bun's fetch read files; a browser's cannot).
   * A redirect never reaches them: the pipeline refuses redirects to local schemes.
   */
  fileUrls?: boolean;
  /**
   * The fetch may go where this adapter cannot tell (a page's, through the browser's own proxy
   * settings): nothing is noted of where a hop went, so webRequest's `details.ip` stays unset.
   */
  routeUnknown?: boolean;
}

const SCHEMES = new Set(["http:", "https:", "data:", "blob:"]);

/**
 * The headers of a file's response: the runtime's, with a `Content-Type` from the file's extension
 * when they have none, as Chromium's file loader names the type (Deno's fetch gives none, and Bun's
 * response loses its own once the body is read, which `fetchFile` does first).
 */
async function fileHeaders(url: string, given: Headers): Promise<Headers> {
  const headers = new Headers(given);
  if (headers.has("content-type")) return headers;
  // loaded on the first file: URL only (the browser bundle, which reads none, leaves it out)
  const { getMimeType } = await import("hono/utils/mime");
  const type = getMimeType(new URL(url).pathname);
  if (type !== undefined) headers.set("content-type", type);
  return headers;
}

/**
 * A `file:` URL read with the runtime's fetch, its failures as Chromium's codes. The first chunk
 * is read before answering: Bun's fetch resolves for a missing file and fails on the first read.
 */
async function fetchFile(doFetch: typeof fetch, request: PipelineRequest): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    throw new NetError("net::ERR_METHOD_NOT_SUPPORTED", `${request.method} on ${request.url}`);
  }
  try {
    const response = await doFetch(request.url, { signal: request.signal });
    const reader = response.body?.getReader();
    const first = reader ? await reader.read() : { done: true as const, value: undefined };
    const headers = await fileHeaders(request.url, response.headers);
    const init = { status: response.status, headers };
    if (request.method === "HEAD") {
      reader?.cancel().catch(() => {});
      return new Response(null, init);
    }
    let pending: Uint8Array | undefined = first.value;
    const body = reader === undefined ? null : new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pending !== undefined) {
          controller.enqueue(pending);
          pending = undefined;
          if (first.done) controller.close();
          return;
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    if (first.done && body !== null && pending === undefined) pending = new Uint8Array(0);
    return new Response(body, init);
  } catch (error) {
    const netError = toNetError(error, request.signal);
    if (netError.code === "net::ERR_ABORTED") throw netError;
    const text = netError.message;
    const code = /EACCES|permission denied/i.test(text)
      ? "net::ERR_ACCESS_DENIED"
      : "net::ERR_FILE_NOT_FOUND";
    throw new NetError(code, `${request.url}: ${text}`, { cause: error });
  }
}

/** An opaque `net::ERR_FAILED` with what the browser hides said: where, and what it may be. */
function explainOpaqueFailure(netError: NetError, url: string): NetError {
  if (netError.code !== "net::ERR_FAILED") return netError;
  const detail = netError.message.replace(/^net::ERR_FAILED: /, "");
  const why = `${detail} ${url}: a page's fetch does not say why (a CORS refusal, a refused ` +
    `connection, an unsafe port, an unresolved name; the browser's console names it)`;
  return new NetError("net::ERR_FAILED", why, { cause: netError.cause ?? netError });
}

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
      if (scheme === "file:" && options.fileUrls) return await fetchFile(doFetch, request);
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
      if (!(headers instanceof RequestHeaders) || headers.mayHaveEntries) {
        init.headers = headerPairs(headers);
      }
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
        if (scheme === "data:" || scheme === "blob:") throw toNetError(error, request.signal);
        const netError = sendError(error, request.signal);
        throw options.opaqueFailures ? explainOpaqueFailure(netError, request.url) : netError;
      }
      if (scheme === "data:" || scheme === "blob:") return response;
      if (!options.routeUnknown) noteSentTo(request, sendOptions.proxy?.host);
      const coded = withBodyErrors(response);
      return response.redirected ? markFollowedRedirects(coded) : coded;
    },
    closeAllConnections: options.closeAllConnections,
  };
}
