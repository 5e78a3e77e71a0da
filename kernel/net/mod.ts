/**
 * Electron's `net` module on the session's request pipeline: `net.request()` returns a
 * {@link ClientRequest}, `net.fetch()` is Web fetch on the default session (with Electron's
 * `bypassCustomProtocolHandlers`), `net.isOnline()`. Importing it registers HTTP Digest
 * authentication (MD5, SHA-256) next to the built-in Basic.
 *
 * @example
 * ```ts
 * import { net } from "./mod.ts";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
 *   new Response("hello"));
 * const url = `http://127.0.0.1:${server.addr.port}/`;
 * const request = net.request({ url, useSessionCookies: true });
 * request.on("login", (_authInfo, callback) => callback("user", "secret"));
 * const ended = new Promise<void>((resolve) => {
 *   request.on("response", (response) => {
 *     response.on("data", (chunk) => console.log(chunk.length)); // 5
 *     response.on("end", () => resolve());
 *   });
 * });
 * request.end();
 * await ended;
 * const response = await net.fetch(url, { bypassCustomProtocolHandlers: true });
 * await response.text(); // "hello"
 * await server.shutdown();
 * ```
 *
 * @module
 */
import { session } from "../partitions.ts";
import type { SessionFetchInit } from "../request.ts";
import { ClientRequest, type ClientRequestOptions } from "./client_request.ts";
import type { IncomingMessage } from "./incoming_message.ts";

// The kernel's types (Session, NetError, RedirectMode, ...) that this entry point's API refers to,
// so that its documentation is complete on its own.
export type * from "../mod.ts";
export { ClientRequest } from "./client_request.ts";
export type {
  AuthInfo,
  ClientRequestOptions,
  UploadProgress,
  WriteCallback,
} from "./client_request.ts";
export { NodeEmitter } from "../events.ts";
export type { ListenerEntry, NodeListener } from "../events.ts";
export { IncomingMessage } from "./incoming_message.ts";
export type { IncomingMessageInit, PipeDestination } from "./incoming_message.ts";
export { digestAuthorization } from "./digest.ts";
export type { DigestInput } from "./digest.ts";

/** The shape of {@link net}. */
export interface Net {
  /** Makes a {@link ClientRequest}; send it with `end()`. */
  request(
    options: ClientRequestOptions | string | URL,
    callback?: (response: IncomingMessage) => void,
  ): ClientRequest;
  /** Web fetch on the default session's pipeline. */
  fetch(input: string | URL | Request, init?: SessionFetchInit): Promise<Response>;
  /** Whether the machine seems online (`navigator.onLine` where it exists, else true). */
  isOnline(): boolean;
  /** Same as `isOnline()`. */
  readonly online: boolean;
  /**
   * Resolves a host name through the default session's resolver (Electron's `ses.resolveHost`,
   * which the host-resolver plugin adds; a session built without it throws MissingPluginError).
   */
  resolveHost(host: string, options?: NetResolveHostOptions): Promise<NetResolvedHost>;
}

/** Electron's `ResolveHostOptions`, of `net.resolveHost` and `ses.resolveHost`. */
export interface NetResolveHostOptions {
  /** `A` (IPv4) or `AAAA` (IPv6); default: both. */
  queryType?: "A" | "AAAA";
  /** Where answers may come from (websession has the system resolver only). */
  source?: "any" | "system" | "dns" | "mdns" | "localOnly";
  /** Whether cached answers may be used. */
  cacheUsage?: "allowed" | "staleAllowed" | "disallowed";
  /** Secure DNS for this lookup (websession has no secure DNS; both are accepted). */
  secureDnsPolicy?: "allow" | "disable";
}

/** Electron's `ResolvedHost`: the addresses `net.resolveHost` found. */
export interface NetResolvedHost {
  /** Each address and its family. */
  endpoints: { address: string; family: "ipv4" | "ipv6" | "unspec" }[];
}

/** The session member `net.resolveHost` hands over to (a plugin's, so not in Session's type). */
type ResolvingSession = Pick<Net, "resolveHost">;

function isOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: unknown } }).navigator;
  return typeof nav?.onLine === "boolean" ? nav.onLine : true;
}

/**
 * Electron's `net` module.
 *
 * @example
 * ```ts
 * const response = await net.fetch("data:text/plain,hi");
 * await response.text(); // "hi"
 * ```
 */
export const net: Net = {
  request: (options, callback) => new ClientRequest(options, callback),
  fetch: (input, init) => session.defaultSession.fetch(input, init),
  isOnline,
  get online(): boolean {
    return isOnline();
  },
  resolveHost: (host, options) =>
    (session.defaultSession as unknown as ResolvingSession).resolveHost(host, options),
};
