/**
 * GET and HEAD requests with a body, which Electron sends (Chromium's network stack allows them)
 * but Deno's and Bun's `fetch` refuse: they go through `node:http`/`node:https` (both runtimes
 * have them), with the header names as the caller spelled them. An empty body is dropped, so
 * `request.write('')` on a GET is a plain GET. Every other request goes to the wrapped transport.
 * The node modules come from `process.getBuiltinModule` on first use.
 *
 * @module
 */
import type * as Http from "node:http";
import type * as Https from "node:https";
import { NetError } from "../../kernel/errors.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";
import { responseFromNode } from "./_node_response.ts";
import { nodeTrust } from "./ca_certs.ts";

/** The node modules a send through node:http needs. */
export interface NodeHttp {
  http: typeof Http;
  https: typeof Https;
}

let nodeHttp: NodeHttp | null = null;

/**
 * node:http and node:https from `process.getBuiltinModule`; a NetError where the runtime has none.
 *
 * @example
 * ```ts ignore
 * const { http } = loadNodeHttp();
 * ```
 */
export function loadNodeHttp(): NodeHttp {
  if (nodeHttp) return nodeHttp;
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function") {
    throw new NetError(
      "net::ERR_NOT_IMPLEMENTED",
      "A GET or HEAD request with a body needs node:http, which this runtime does not have",
    );
  }
  nodeHttp = {
    http: proc.getBuiltinModule("node:http") as typeof Http,
    https: proc.getBuiltinModule("node:https") as typeof Https,
  };
  return nodeHttp;
}

function hasBody(request: PipelineRequest): boolean {
  const body = request.body;
  return body !== null && !(body instanceof Uint8Array && body.byteLength === 0);
}

/**
 * Wraps a transport so that GET and HEAD requests with a body are sent.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from "./fetch.ts";
 * withBodiedGet(createFetchTransport()).name; // "fetch"
 * ```
 */
export function withBodiedGet(inner: HttpTransport): HttpTransport {
  return {
    name: inner.name,
    fetch(request: PipelineRequest, options: TransportOptions = {}): Promise<Response> {
      const method = request.method;
      if ((method !== "GET" && method !== "HEAD") || request.body === null) {
        return inner.fetch(request, options);
      }
      if (!hasBody(request)) {
        request.body = null;
        return inner.fetch(request, options);
      }
      const url = new URL(request.url);
      if ((url.protocol !== "http:" && url.protocol !== "https:") || options.proxy) {
        return inner.fetch(request, options);
      }
      try {
        return sendWithNode(loadNodeHttp(), request, url, options);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    closeAllConnections: inner.closeAllConnections?.bind(inner),
  };
}

/**
 * Sends one hop through node:http/node:https (the modules of {@linkcode loadNodeHttp}); with
 * `lenient`, llhttp's lenient parser reads header values holding control bytes, as Chromium's does.
 *
 * @example
 * ```ts ignore
 * const response = await sendWithNode(loadNodeHttp(), request, new URL(request.url), {}, true);
 * ```
 */
export function sendWithNode(
  node: NodeHttp,
  request: PipelineRequest,
  url: URL,
  options: TransportOptions,
  lenient = false,
): Promise<Response> {
  const secure = url.protocol === "https:";
  // The names as the caller spelled them and in the order set (net.request's setHeader), then
  // the others as Headers has them.
  const headers: Record<string, string> = {};
  const names = request.options.headerNames;
  const done = new Set<string>();
  if (Array.isArray(names)) {
    for (const name of names as string[]) {
      const value = request.headers.get(name);
      if (value === null || done.has(name.toLowerCase())) continue;
      done.add(name.toLowerCase());
      headers[name] = value;
    }
  }
  request.headers.forEach((value, key) => {
    if (!done.has(key)) headers[key] = value;
  });
  const body = request.body;
  if (body instanceof Uint8Array) headers["Content-Length"] = String(body.byteLength);
  // a streamed body goes chunked, unless the caller gave its length (both would be refused)
  else if (body !== null && !request.headers.has("content-length")) {
    headers["Transfer-Encoding"] = "chunked";
  }
  const signal = request.signal;
  return new Promise<Response>((resolve, reject) => {
    const req = (secure ? node.https : node.http).request({
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port ? Number(url.port) : secure ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers,
      ca: secure ? nodeTrust(options.caCerts) : undefined,
      insecureHTTPParser: lenient,
    }, (res) => {
      resolve(responseFromNode(res, request));
    });
    req.on("error", (error) => reject(toNetError(error, signal)));
    const onAbort = () => req.destroy(new Error("The request was aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    if (body === null) req.end();
    else if (body instanceof Uint8Array) req.end(body);
    else {
      (async () => {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) req.write(chunk);
        req.end();
      })().catch((error) => req.destroy(error));
    }
  });
}
