/**
 * Sends one hop through the proxy chains a URL was given, in order: HTTP(S) proxies through the
 * session's transport (`Deno.createHttpClient` / Bun's `proxy`), https:// behind an HTTP proxy
 * through a CONNECT tunnel and SOCKS through a SOCKS connection, both from the tunnel adapter the
 * entry handed to the plugin (`kernel/network/tunnel.ts`). A proxy that
 * cannot be reached is marked bad and the next chain is tried; when all fail the hop fails with
 * `net::ERR_PROXY_CONNECTION_FAILED`. A 407 (or a SOCKS5 proxy asking for a password) comes back
 * as a 407 response, so the pipeline's `authRequired` stage (and `login`) can answer it;
 * credentials are then kept per proxy.
 *
 * @module
 */

import { isNetError, NetError, type NetErrorCode } from "../../kernel/errors.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { noteSentTo } from "../../kernel/http/remote_address.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";
import type {
  Tunnel,
  TunnelAdapter,
  TunnelRequest,
  TunnelResult,
} from "../../kernel/network/tunnel.ts";
import type { NetLogSink } from "../../kernel/net_log/sink.ts";
import { connected, poolLog, requestLog } from "./net_log_route.ts";
import { netErrorNumber } from "./proxy_service.ts";
import type { ProxyRetryList } from "./retry_list.ts";
import { type ProxyChain, type ProxyEndpoint, proxyServerToUri } from "./proxy_server.ts";

/** Proxy credentials. */
export interface Credentials {
  /** User name. */
  username: string;
  /** Password. */
  password: string;
}

/** Request scratch: the proxy the last attempt went through. */
export const PROXY_USED: unique symbol = Symbol("proxy.used");

const PROXY_FAILURES = new Set<NetErrorCode>([
  "net::ERR_PROXY_CONNECTION_FAILED",
  "net::ERR_CONNECTION_REFUSED",
  "net::ERR_CONNECTION_RESET",
  "net::ERR_CONNECTION_CLOSED",
  "net::ERR_CONNECTION_FAILED",
  "net::ERR_CONNECTION_ABORTED",
  "net::ERR_CONNECTION_TIMED_OUT",
  "net::ERR_TIMED_OUT",
  "net::ERR_NAME_NOT_RESOLVED",
  "net::ERR_ADDRESS_UNREACHABLE",
  "net::ERR_SOCKS_CONNECTION_FAILED",
  "net::ERR_EMPTY_RESPONSE",
]);

/** What the router needs. */
export interface RouterOptions {
  /** The session's transport. */
  transport: () => HttpTransport;
  /** Opens CONNECT and SOCKS tunnels; null where there is none (a page). */
  tunnels: TunnelAdapter | null;
  /** Bad proxies. */
  retry: ProxyRetryList;
  /** Extra CA certificates for https:// targets behind tunnels. */
  caCerts?: string[];
  /** The session's net log while one records (BAD_PROXY_LIST_REPORTED). */
  netLog?: () => NetLogSink | undefined;
}

function decodeBasic(value: string): Credentials | null {
  const m = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value);
  if (!m) return null;
  try {
    const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
    const text = new TextDecoder().decode(bytes);
    const colon = text.indexOf(":");
    if (colon < 0) return null;
    return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  } catch {
    return null;
  }
}

function basic(c: Credentials): string {
  const bytes = new TextEncoder().encode(`${c.username}:${c.password}`);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `Basic ${btoa(s)}`;
}

// Failures that may come after the request went out: only retried for idempotent methods.
const LATE_FAILURES = new Set<NetErrorCode>([
  "net::ERR_CONNECTION_RESET",
  "net::ERR_CONNECTION_CLOSED",
  "net::ERR_EMPTY_RESPONSE",
  "net::ERR_TIMED_OUT",
]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** A proxy failure (the next chain may be tried): connection-level, as Chromium's fallback. */
function isProxyFailure(error: unknown, method: string): boolean {
  const e = error as { proxyFailed?: unknown; code?: unknown };
  if (typeof e?.proxyFailed === "boolean") return e.proxyFailed;
  if (!isNetError(error)) return false;
  const code = (error as NetError).code;
  if (!PROXY_FAILURES.has(code)) return false;
  return !LATE_FAILURES.has(code) || IDEMPOTENT.has(method);
}

/**
 * An http:// request through an HTTPS proxy has one TLS handshake, the proxy's: its failing is the
 * proxy's failure, and Chromium falls over to the next proxy (`ERR_SSL_PROTOCOL_ERROR`: a captive
 * portal or a plain HTTP port; a certificate error becomes `ERR_PROXY_CERTIFICATE_INVALID`). For
 * https:// URLs the runtime's client does both handshakes and its error does not say which one
 * failed, so those are left as they are.
 */
function asProxyHandshakeFailure(error: unknown): unknown {
  if (!isNetError(error)) return error;
  const code = error.code === "net::ERR_SSL_PROTOCOL_ERROR"
    ? error.code
    : error.code.startsWith("net::ERR_CERT_")
    ? "net::ERR_PROXY_CERTIFICATE_INVALID"
    : null;
  if (code === null) return error;
  return Object.assign(
    new NetError(code, "The TLS handshake with the HTTPS proxy failed", { cause: error }),
    { proxyFailed: true },
  );
}

function socksAuthChallenge(server: ProxyEndpoint): Response {
  return new Response(null, {
    status: 407,
    statusText: "Proxy Authentication Required",
    headers: {
      "proxy-authenticate": `Basic realm="SOCKS5 proxy ${proxyServerToUri(server)}"`,
    },
  });
}

/**
 * Routes hops through proxy chains with failover and proxy auth.
 *
 * @example
 * ```ts
 * // Made by the proxy plugin; see plugins/proxy/mod.ts.
 * ```
 */
export class ProxyRouter {
  #options: RouterOptions;
  /** Credentials per proxy URI (`host:port`, `socks5://host:port`). */
  readonly auth: Map<string, Credentials> = new Map();
  #tunnels = new Set<Tunnel>();

  /** Makes a router. */
  constructor(options: RouterOptions) {
    this.#options = options;
  }

  /** Closes every tunnel (requests in flight through them fail). */
  closeTunnels(): void {
    for (const t of this.#tunnels) t.close();
    this.#tunnels.clear();
  }

  #track(tunnel: Tunnel): Tunnel {
    this.#tunnels.add(tunnel);
    tunnel.closed.then(() => this.#tunnels.delete(tunnel));
    return tunnel;
  }

  #tunnelAdapter(server: ProxyEndpoint): TunnelAdapter {
    const tunnels = this.#options.tunnels;
    if (tunnels === null) {
      throw new NetError(
        "net::ERR_NOT_IMPLEMENTED",
        `No tunnel adapter to reach ${proxyServerToUri(server)}`,
      );
    }
    return tunnels;
  }

  /** Sends `request` through the first chain of `list` that works. */
  async send(request: PipelineRequest, list: readonly ProxyChain[]): Promise<Response> {
    const pending = request.headers.get("proxy-authorization");
    const used = request.data.get(PROXY_USED) as ProxyEndpoint | undefined;
    if (pending !== null && used !== undefined) {
      // The pipeline's answer to a proxy's 407: keep the credentials for that proxy; the header
      // itself is for the proxy only (the transports send the credentials).
      const creds = decodeBasic(pending);
      if (creds) this.auth.set(proxyServerToUri(used), creds);
      if (creds) {
        const headers = new Headers(request.headers);
        headers.delete("proxy-authorization");
        request.headers = headers;
      }
    }
    let lastError: unknown = null;
    for (const chain of list) {
      if (chain.length === 0) {
        connected(request);
        return await this.#options.transport().fetch(request);
      }
      if (chain.length > 1) {
        lastError = new NetError(
          "net::ERR_NOT_IMPLEMENTED",
          "Multi-proxy chains are not supported",
        );
        continue;
      }
      const server = chain[0];
      request.data.set(PROXY_USED, server);
      try {
        const response = await this.#via(server, request);
        // the connection went to the proxy: Chromium reports its address as the hop's (details.ip)
        noteSentTo(request, server.host);
        return response;
      } catch (error) {
        if (request.signal.aborted || !isProxyFailure(error, request.method)) throw error;
        if (request.body instanceof ReadableStream) throw error; // cannot be sent again
        this.#options.retry.markBad(chain);
        const log = requestLog(request);
        if (log) {
          const bad = proxyServerToUri(server);
          log.event("PROXY_LIST_FALLBACK", { bad_proxy: bad });
          this.#options.netLog?.()?.event("BAD_PROXY_LIST_REPORTED", { bad_proxy_list: [bad] });
        }
        lastError = error;
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new NetError(
      "net::ERR_PROXY_CONNECTION_FAILED",
      `Every proxy failed for ${request.url}: ${reason}`,
      { cause: lastError },
    );
  }

  #sendOptions = new WeakMap<
    ProxyEndpoint,
    { creds: Credentials | undefined; options: TransportOptions }
  >();

  /** The transport options for a proxy, made once per proxy and credentials. */
  #transportOptions(server: ProxyEndpoint, creds: Credentials | undefined): TransportOptions {
    const cached = this.#sendOptions.get(server);
    if (cached !== undefined && cached.creds === creds) return cached.options;
    const scheme = server.scheme as "http" | "https";
    const options: TransportOptions = {
      proxy: { scheme, host: server.host, port: server.port, ...(creds ?? {}) },
      ...(scheme === "https" && this.#options.caCerts ? { caCerts: this.#options.caCerts } : {}),
    };
    this.#sendOptions.set(server, { creds, options });
    return options;
  }

  /**
   * Opens a tunnel; while the net log records, as Chromium logs a connect job: its
   * `HTTP_PROXY_CONNECT_JOB` or `SOCKS_CONNECT_JOB` source, the `SOCKET` it sets (the adapter
   * logs the TCP connect, the CONNECT exchange or the SOCKS handshake there), and the request
   * bound to both.
   */
  async #open(
    tunnels: TunnelAdapter,
    request: PipelineRequest,
    open: TunnelRequest,
  ): Promise<TunnelResult> {
    const log = poolLog(request);
    if (log === undefined) return await tunnels.open(open);
    const socks = open.proxy.scheme !== "http";
    const job = log.source(socks ? "SOCKS_CONNECT_JOB" : "HTTP_PROXY_CONNECT_JOB");
    const connect = socks ? "SOCKS_CONNECT_JOB_CONNECT" : "HTTP_PROXY_CONNECT_JOB_CONNECT";
    job.begin("CONNECT_JOB");
    job.begin(connect);
    const socket = log.source("SOCKET");
    socket.begin("SOCKET_ALIVE", { source_dependency: job.ref });
    job.event("CONNECT_JOB_SET_SOCKET", { source_dependency: socket.ref });
    let result: TunnelResult;
    try {
      result = await tunnels.open({ ...open, netLog: socket });
    } catch (error) {
      const failed = { net_error: netErrorNumber(error) };
      job.end(connect, failed);
      job.end("CONNECT_JOB", failed);
      throw error;
    }
    job.end(connect);
    job.end("CONNECT_JOB");
    log.event("SOCKET_POOL_BOUND_TO_CONNECT_JOB", { source_dependency: job.ref });
    if ("tunnel" in result) {
      log.event("SOCKET_POOL_BOUND_TO_SOCKET", { source_dependency: socket.ref });
      socket.begin("SOCKET_IN_USE", { source_dependency: requestLog(request)?.ref ?? log.ref });
      connected(request);
    }
    return result;
  }

  async #via(server: ProxyEndpoint, request: PipelineRequest): Promise<Response> {
    const key = uriOf(server);
    const creds = this.auth.get(key);
    const https = request.url.startsWith("https:");
    if (server.scheme === "socks4" || server.scheme === "socks5") {
      const tunnels = this.#tunnelAdapter(server);
      const { host, port } = request.urlParts;
      const target = { host: host.replace(/^\[|\]$/g, ""), port };
      try {
        const opened = await this.#open(tunnels, request, {
          proxy: {
            scheme: server.scheme,
            host: server.host,
            port: server.port,
            ...(server.scheme === "socks5" && creds ? creds : {}),
          },
          ...target,
          signal: request.signal,
        });
        if ("response" in opened) return opened.response;
        return await opened.tunnel.fetch(toRequest(request), {
          caCerts: this.#options.caCerts,
          signal: request.signal,
        });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (
          server.scheme === "socks5" &&
          (code === "net::ERR_PROXY_AUTH_UNSUPPORTED" || code === "net::ERR_PROXY_AUTH_REQUESTED")
        ) {
          this.auth.delete(key);
          return socksAuthChallenge(server);
        }
        throw error;
      }
    }
    if (server.scheme === "http" && https) {
      const tunnels = this.#tunnelAdapter(server);
      const { host, port } = request.urlParts;
      const result = await this.#open(tunnels, request, {
        proxy: { scheme: "http", host: server.host, port: server.port },
        host: host.replace(/^\[|\]$/g, ""),
        port,
        headers: creds ? { "proxy-authorization": basic(creds) } : undefined,
        signal: request.signal,
      });
      if ("response" in result) {
        if (result.response.status === 407) {
          if (creds) this.auth.delete(key);
          return result.response;
        }
        await result.response.body?.cancel();
        throw new NetError(
          "net::ERR_TUNNEL_CONNECTION_FAILED",
          `Proxy ${key} refused the tunnel to ${
            port === 443 ? host : `${host}:${port}`
          } (${result.response.status})`,
        );
      }
      return await this.#track(result.tunnel).fetch(toRequest(request), {
        caCerts: this.#options.caCerts,
        signal: request.signal,
      });
    }
    if (server.scheme === "quic") {
      throw new NetError("net::ERR_NOT_IMPLEMENTED", "QUIC proxies are not supported");
    }
    connected(request);
    let response: Response;
    try {
      response = await this.#options.transport().fetch(
        request,
        this.#transportOptions(server, creds),
      );
    } catch (error) {
      throw server.scheme === "https" && !https ? asProxyHandshakeFailure(error) : error;
    }
    if (response.status === 407 && creds) this.auth.delete(key);
    return response;
  }
}

const uris = new WeakMap<ProxyEndpoint, string>();
function uriOf(server: ProxyEndpoint): string {
  let uri = uris.get(server);
  if (uri === undefined) uris.set(server, uri = proxyServerToUri(server));
  return uri;
}

function toRequest(request: PipelineRequest): Request {
  const init: RequestInit & { duplex?: string } = {
    method: request.method,
    headers: request.headers,
    body: request.body as BodyInit | null,
  };
  if (request.body instanceof ReadableStream) init.duplex = "half";
  return new Request(request.url, init);
}
