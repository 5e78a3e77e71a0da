/**
 * A local HTTP proxy on 127.0.0.1 that asks, for each request, which route to take and takes it:
 * DIRECT, an HTTP proxy (absolute-form requests, `CONNECT` for tunnels) or a SOCKS4/4a/5 proxy,
 * trying the routes in order while a proxy cannot be reached (Chromium's fallback). A Chromium
 * browser context pointed at it (`--proxy-server`, `createBrowserContext`'s `proxyServer`) then
 * follows whatever proxy configuration the route function answers with, changed at any time.
 *
 * Plain-HTTP connections are kept alive on both sides: the client's connection carries request
 * after request, and the upstream connections wait in a pool keyed by route and origin
 * (`_relay_pool.ts`), each body forwarded byte for byte as far as its framing says
 * (`_http1_framing.ts`). Every request asks for its route anew, so a changed route applies to the
 * next request (it finds no pooled connection of the old route). A pooled connection that closes
 * before answering is retried once on a new connection for an idempotent request (its body, if
 * any, replayed up to 64 KiB); otherwise the request fails. A `CONNECT` tunnel keeps the route it
 * was opened with until it closes, like a pooled socket in Chromium; `closeConnections()` closes
 * tunnels, pooled and client connections.
 *
 * @module
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import type { ProxyServer } from "../../kernel/transport.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import { socksConnect } from "./client.ts";
import { httpConnect } from "./http_connect.ts";
import { ByteReader, HeadError } from "./_byte_reader.ts";
import {
  forwardBody,
  type Framing,
  FramingError,
  headerTokens,
  requestFraming,
  responseFraming,
  write,
} from "./_http1_framing.ts";
import { UpstreamPool } from "./_relay_pool.ts";

/** The routes to try for `url`, in order; `null` is DIRECT. */
export type RelayRoute = (url: string) => Promise<readonly (ProxyServer | null)[]>;

/** A running relay. */
export interface ProxyRelay {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Closes the connections, pooled connections and tunnels open now (the next requests route anew). */
  closeConnections(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const HEAD_LIMIT = 64 * 1024;
/** How long a proxy that could not be reached is tried last (Chromium's 5 minutes). */
const BAD_PROXY_MS = 5 * 60 * 1000;
/** A request body up to this size is kept to send again when a pooled connection was stale. */
const REPLAY_LIMIT = 64 * 1024;
/** Methods that may be sent twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/**
 * The header of the relay's own 502 that names Chromium's error code for the failure (e.g.
 * `net::ERR_CONNECTION_REFUSED` for a DIRECT target, `net::ERR_PROXY_CONNECTION_FAILED` when no
 * proxy of the list could be reached), for the Chromium-backed session to report it as the
 * request's error.
 */
export const RELAY_ERROR_HEADER = "x-websession-net-error";
const HOP_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
]);
const encoder = new TextEncoder();

type Fields = [string, string][];

interface Head {
  method: string;
  target: string;
  version: string;
  headers: Fields;
}

function parseRequest(lines: string[]): Head | null {
  const [method, target, version] = lines[0].split(" ");
  if (!method || !target || !version?.startsWith("HTTP/")) return null;
  return { method, target, version, headers: fieldsOf(lines) };
}

/** The header fields of a head's lines (after its first line). */
function fieldsOf(lines: string[]): Fields {
  const headers: Fields = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/**
 * A head with the hop-by-hop fields (and those its `Connection` header names, `named`) replaced
 * by `connection`.
 */
function headBytes(
  first: string,
  headers: Fields,
  named: readonly string[],
  connection: string,
): Uint8Array {
  let text = first + "\r\n";
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (HOP_HEADERS.has(lower) || (named.length > 0 && named.includes(lower))) continue;
    text += `${name}: ${value}\r\n`;
  }
  return encoder.encode(`${text}Connection: ${connection}\r\n\r\n`);
}

/**
 * Whether the peer of a message with this version and fields wants its connection kept
 * (`named`: the tokens of its `Connection` header).
 */
function keepsAlive(version: string, headers: Fields, named: readonly string[]): boolean {
  const proxy = headerTokens(headers, "proxy-connection");
  if (named.includes("close") || proxy.includes("close")) return false;
  return version === "HTTP/1.1" || named.includes("keep-alive") || proxy.includes("keep-alive");
}

function refuse(client: Socket, status: string, code?: string): void {
  const error = code ? `${RELAY_ERROR_HEADER}: ${code}\r\n` : "";
  client.end(`HTTP/1.1 ${status}\r\n${error}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("net::") ? code : toNetError(error).code;
}

function connectDirect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** The socket to write the request to, and whether it expects the absolute form. */
async function open(
  route: ProxyServer | null,
  host: string,
  port: number,
  tunnel: boolean,
): Promise<{ socket: Socket; absolute: boolean } | { refused: Response }> {
  if (route === null) return { socket: await connectDirect(host, port), absolute: false };
  if (route.scheme === "socks4" || route.scheme === "socks5") {
    const socket = await socksConnect({
      version: route.scheme === "socks4" ? 4 : 5,
      host: route.host,
      port: route.port,
      username: route.username,
      password: route.password,
    }, { host, port });
    return { socket, absolute: false };
  }
  if (route.scheme !== "http") {
    throw Object.assign(new Error(`${route.scheme} proxies are not relayed`), {
      proxyFailed: true,
    });
  }
  if (!tunnel) {
    return { socket: await connectDirect(route.host, route.port), absolute: true };
  }
  const result = await httpConnect({ proxyHost: route.host, proxyPort: route.port, host, port });
  return "socket" in result ? { socket: result.socket, absolute: false } : {
    refused: result.response,
  };
}

/** The pool key of a route to `host:port`: an HTTP proxy's connections serve every origin. */
function poolKey(route: ProxyServer | null, host: string, port: number): string {
  if (route === null) return `direct ${host} ${port}`;
  const proxy = `${route.scheme}://${route.username ?? ""}@${route.host}:${route.port}`;
  return route.scheme === "http" ? proxy : `${proxy} ${host} ${port}`;
}

/** Joins `a` and `b` both ways until either closes (a tunnel, or a 101's connection). */
function splice(a: Socket, aRest: Uint8Array, b: Socket, bRest: Uint8Array): void {
  // a side that closed after its end lets the other flush what it still holds
  a.once("close", () => b.writableEnded || b.destroy());
  b.once("close", () => a.writableEnded || a.destroy());
  if (aRest.length) b.write(aRest);
  if (bRest.length) a.write(bRest);
  a.pipe(b);
  b.pipe(a);
}

function hostOf(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

/** The upstream connection a client's connection is being answered from (closed with it). */
interface Link {
  upstream: Socket | null;
}

/** What became of the client's connection after one request. */
type Outcome = "keep" | "close" | "taken";

/**
 * Starts a relay on 127.0.0.1 (a free port) whose requests take the routes `route` gives.
 *
 * @example
 * ```ts ignore
 * const relay = await startProxyRelay(async () => [{ scheme: "http", host: "127.0.0.1", port: 3128 }, null]);
 * // chromium --proxy-server=http://127.0.0.1:${relay.port} --proxy-bypass-list="<-loopback>"
 * await relay.close();
 * ```
 */
export async function startProxyRelay(route: RelayRoute): Promise<ProxyRelay> {
  const sockets = new Set<Socket>();
  const pool = new UpstreamPool();
  // proxies that could not be reached lately: tried after the others, as Chromium does
  const bad = new Map<string, number>();
  const keyOf = (p: ProxyServer) => `${p.scheme}://${p.host}:${p.port}`;
  const isBad = (p: ProxyServer | null) => {
    if (p === null) return false;
    const until = bad.get(keyOf(p));
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    bad.delete(keyOf(p));
    return false;
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
  };

  /** Routes of `url`, those that failed lately last. */
  const routesOf = async (url: URL) => {
    let routes: readonly (ProxyServer | null)[];
    try {
      routes = await route(url.href);
    } catch {
      routes = [null];
    }
    if (bad.size === 0) return routes;
    return [...routes.filter((r) => !isBad(r)), ...routes.filter(isBad)];
  };

  /** A CONNECT: a tunnel through the first route that works. */
  const tunnel = async (client: ByteReader, head: Head): Promise<void> => {
    // Chromium tunnels ws:// through an HTTP proxy too, to port 80: routed as http:// there
    const https = URL.parse(`https://${head.target}/`);
    const url = https?.port === "80" ? URL.parse(`http://${https.hostname}/`) : https;
    const socket = client.socket;
    if (!url) return refuse(socket, "400 Bad Request");
    const host = hostOf(url.hostname);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    for (const next of await routesOf(url)) {
      let opened;
      try {
        opened = await open(next, host, port, true);
      } catch (error) {
        if (next !== null && (error as { proxyFailed?: boolean }).proxyFailed !== false) {
          bad.set(keyOf(next), Date.now() + BAD_PROXY_MS);
          continue;
        }
        return refuse(socket, "502 Bad Gateway", codeOf(error));
      }
      if ("refused" in opened) {
        await opened.refused.body?.cancel();
        return refuse(socket, `${opened.refused.status} ${opened.refused.statusText}`);
      }
      track(opened.socket);
      socket.write("HTTP/1.1 200 Connection established\r\n\r\n");
      splice(socket, client.detach(), opened.socket, new Uint8Array(0));
      return;
    }
    refuse(socket, "502 Bad Gateway", "net::ERR_PROXY_CONNECTION_FAILED");
  };

  /** An upstream connection for `next`: a pooled one, or a new one (null: try the next route). */
  const upstreamFor = async (
    next: ProxyServer | null,
    host: string,
    port: number,
    fresh: boolean,
  ): Promise<{ reader: ByteReader; absolute: boolean; reused: boolean }> => {
    const key = poolKey(next, host, port);
    const pooled = fresh ? null : pool.take(key);
    if (pooled) return { reader: pooled, absolute: next?.scheme === "http", reused: true };
    const opened = await open(next, host, port, false);
    if ("refused" in opened) throw new Error("A tunnel was refused");
    track(opened.socket);
    opened.socket.setNoDelay(true);
    return { reader: new ByteReader(opened.socket), absolute: opened.absolute, reused: false };
  };

  /** One plain-HTTP request: sent on, answered, and its connections kept where they can be. */
  const exchange = async (
    client: ByteReader,
    head: Head,
    url: URL,
    link: Link,
  ): Promise<Outcome> => {
    const socket = client.socket;
    const host = hostOf(url.hostname);
    const port = Number(url.port || 80);
    let framing: Framing;
    try {
      framing = requestFraming(head.headers);
    } catch {
      refuse(socket, "400 Bad Request");
      return "close";
    }
    const named = headerTokens(head.headers, "connection");
    const clientKeeps = keepsAlive(head.version, head.headers, named);
    const upgrade = named.includes("upgrade");
    const retries = IDEMPOTENT.has(head.method);
    // the body as read from the client, while it is small enough to send again
    let replay: Uint8Array[] | null = [];
    let replaySize = 0;
    let bodyRead = false;
    const send = (upstream: Socket, requestHead: Uint8Array): Promise<boolean> => {
      if (!bodyRead) {
        bodyRead = true;
        return forwardBody(client, framing, upstream, requestHead, (piece) => {
          replaySize += piece.length;
          if (replay && replaySize <= REPLAY_LIMIT) replay.push(piece);
          else replay = null;
        }).then(() => true, () => false);
      }
      const pieces = replay;
      if (!pieces) return Promise.resolve(false);
      return (async () => {
        await write(upstream, requestHead);
        for (const piece of pieces) await write(upstream, piece);
      })().then(() => true, () => false);
    };
    for (const next of await routesOf(url)) {
      for (let attempt = 0;; attempt++) {
        if (socket.destroyed) return "taken";
        let up;
        try {
          up = await upstreamFor(next, host, port, attempt > 0);
        } catch (error) {
          // a proxy that cannot be reached: the next route (Chromium's fallback); a target that
          // cannot be reached DIRECT: the request fails
          if (next !== null && (error as { proxyFailed?: boolean }).proxyFailed !== false) {
            bad.set(keyOf(next), Date.now() + BAD_PROXY_MS);
            break;
          }
          refuse(socket, "502 Bad Gateway", codeOf(error));
          return "close";
        }
        const upstream = up.reader.socket;
        link.upstream = upstream; // closed with the client's connection
        try {
          const target = up.absolute ? url.href : url.pathname + url.search;
          const first = `${head.method} ${target} ${head.version}`;
          up.reader.mark();
          const sent = send(
            upstream,
            headBytes(first, head.headers, named, upgrade ? "upgrade" : "keep-alive"),
          );
          let lines: string[] | null;
          try {
            lines = await up.reader.head(HEAD_LIMIT);
          } catch (error) {
            upstream.destroy();
            const tooBig = error instanceof HeadError && !error.truncated;
            const code = tooBig ? "RESPONSE_HEADERS_TOO_BIG" : "INVALID_HTTP_RESPONSE";
            refuse(socket, "502 Bad Gateway", `net::ERR_${code}`);
            return "close";
          }
          if (lines === null) {
            // closed before a byte of the answer: a pooled connection the other side had closed
            // is tried once more on a new one (an idempotent request whose body is kept)
            upstream.destroy();
            const whole = await sent;
            if (up.reused && !up.reader.received && retries && whole && replay) continue;
            const error = up.reader.error;
            refuse(socket, "502 Bad Gateway", error ? codeOf(error) : "net::ERR_EMPTY_RESPONSE");
            return "close";
          }
          return await respond(client, head, up.reader, lines, sent, clientKeeps, next, host, port);
        } catch {
          // a side broke off inside the answer: both connections end
          upstream.destroy();
          socket.destroy();
          return "taken";
        } finally {
          link.upstream = null;
        }
      }
    }
    refuse(socket, "502 Bad Gateway", "net::ERR_PROXY_CONNECTION_FAILED");
    return "close";
  };

  /** Forwards the answer (1xx heads, then the final head and its body). */
  const respond = async (
    client: ByteReader,
    head: Head,
    up: ByteReader,
    firstLines: string[],
    sent: Promise<boolean>,
    clientKeeps: boolean,
    next: ProxyServer | null,
    host: string,
    port: number,
  ): Promise<Outcome> => {
    const socket = client.socket;
    const upstream = up.socket;
    let lines: string[] | null = firstLines;
    for (;;) {
      if (lines === null) {
        upstream.destroy();
        socket.destroy();
        return "taken";
      }
      const status = Number(lines[0].split(" ")[1]);
      const version = lines[0].slice(0, lines[0].indexOf(" "));
      const fields = fieldsOf(lines);
      if (status === 101) {
        await write(socket, encoder.encode(lines.join("\r\n") + "\r\n\r\n"));
        splice(socket, client.detach(), upstream, up.detach());
        return "taken";
      }
      if (status >= 100 && status < 200) {
        // an interim answer (100 Continue, 103 Early Hints): passed on, the final one follows
        await write(
          socket,
          headBytes(lines[0], fields, headerTokens(fields, "connection"), "keep-alive"),
        );
        lines = await up.head(HEAD_LIMIT);
        continue;
      }
      let framing: Framing;
      try {
        framing = responseFraming(head.method, status, fields);
      } catch (error) {
        if (!(error instanceof FramingError)) throw error;
        upstream.destroy();
        refuse(socket, "502 Bad Gateway", "net::ERR_INVALID_HTTP_RESPONSE");
        return "close";
      }
      const named = headerTokens(fields, "connection");
      const keepClient = clientKeeps && framing.kind !== "close";
      const keepUpstream = framing.kind !== "close" && keepsAlive(version, fields, named);
      const answer = headBytes(lines[0], fields, named, keepClient ? "keep-alive" : "close");
      try {
        await forwardBody(up, framing, socket, answer);
      } catch {
        // either side broke off inside the body: both connections end (the client sees the
        // body cut short, as when the server closed)
        upstream.destroy();
        socket.destroy();
        return "taken";
      }
      const whole = await sent;
      if (keepUpstream && whole) pool.put(poolKey(next, host, port), up);
      else upstream.destroy();
      return keepClient && whole ? "keep" : "close";
    }
  };

  const serve = async (socket: Socket) => {
    track(socket);
    socket.setNoDelay(true);
    const client = new ByteReader(socket);
    const link: Link = { upstream: null };
    socket.once("close", () => link.upstream?.destroy());
    for (;;) {
      let lines: string[] | null;
      try {
        lines = await client.head(HEAD_LIMIT);
      } catch {
        return refuse(socket, "400 Bad Request");
      }
      const head = lines && parseRequest(lines);
      if (!head) return void socket.destroy();
      if (head.method === "CONNECT") return await tunnel(client, head);
      const url = head.target.startsWith("http://") ? URL.parse(head.target) : null;
      if (!url) return refuse(socket, "400 Bad Request");
      const outcome = await exchange(client, head, url, link);
      if (outcome === "taken") return;
      if (outcome === "close") {
        if (!socket.writableEnded) socket.end();
        return;
      }
    }
  };
  const server: Server = createServer((client) => {
    serve(client).catch(() => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const closeConnections = () => {
    pool.clear();
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    closeConnections,
    close: () =>
      new Promise<void>((resolve) => {
        closeConnections();
        server.close(() => resolve());
      }),
  };
}
