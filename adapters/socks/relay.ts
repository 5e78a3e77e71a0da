/**
 * A local HTTP proxy on 127.0.0.1 that asks, for each request, which route to take and takes it:
 * DIRECT, an HTTP proxy (absolute-form requests, `CONNECT` for tunnels) or a SOCKS4/4a/5 proxy,
 * trying the routes in order while a proxy cannot be reached (Chromium's fallback). A Chromium
 * browser context pointed at it (`--proxy-server`, `createBrowserContext`'s `proxyServer`) then
 * follows whatever proxy configuration the route function answers with, changed at any time.
 *
 * Each plain-HTTP request gets a connection of its own (`Connection: close` both ways), so a
 * changed route applies to the next request; a `CONNECT` tunnel keeps the route it was opened
 * with until it closes, like a pooled socket in Chromium (`closeConnections()` closes them).
 *
 * @module
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import type { ProxyServer } from "../../kernel/transport.ts";
import { toNetError } from "../../kernel/errors.ts";
import { socksConnect } from "./client.ts";
import { httpConnect } from "./http_connect.ts";

/** The routes to try for `url`, in order; `null` is DIRECT. */
export type RelayRoute = (url: string) => Promise<readonly (ProxyServer | null)[]>;

/** A running relay. */
export interface ProxyRelay {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Closes the connections and tunnels open now (the next requests route anew). */
  closeConnections(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const HEAD_LIMIT = 64 * 1024;
/** How long a proxy that could not be reached is tried last (Chromium's 5 minutes). */
const BAD_PROXY_MS = 5 * 60 * 1000;

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
const latin1 = new TextDecoder("latin1");

interface Head {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  rest: Uint8Array;
}

function indexOfEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Reads one message head from `socket` (pausing it after); null when it closes first. */
function readHead(socket: Socket): Promise<{ lines: string[]; rest: Uint8Array } | null> {
  return new Promise((resolve) => {
    let buffer: Uint8Array = new Uint8Array(0);
    const onData = (chunk: Uint8Array) => {
      buffer = concat(buffer, chunk);
      const end = indexOfEnd(buffer);
      if (end < 0 && buffer.length < HEAD_LIMIT) return;
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.pause();
      if (end < 0) return resolve(null);
      const lines = latin1.decode(buffer.subarray(0, end - 4)).split("\r\n");
      resolve({ lines, rest: buffer.subarray(end) });
    };
    const onClose = () => resolve(null);
    socket.on("data", onData);
    socket.once("close", onClose);
  });
}

function parseHead(lines: string[], rest: Uint8Array): Head | null {
  const [method, target, version] = lines[0].split(" ");
  if (!method || !target || !version?.startsWith("HTTP/")) return null;
  return { method, target, version, headers: headersOf(lines), rest };
}

/** The header fields of a head's lines (after its first line). */
function headersOf(lines: string[]): [string, string][] {
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return headers;
}

function headText(first: string, headers: [string, string][]): string {
  const kept = headers.filter(([name]) => !HOP_HEADERS.has(name.toLowerCase()));
  return [first, ...kept.map(([n, v]) => `${n}: ${v}`), "Connection: close", "", ""].join("\r\n");
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

/** Pipes `from` into `to`, rewriting the first response head to `Connection: close`. */
function pipeResponse(from: Socket, to: Socket): void {
  let buffer: Uint8Array | null = new Uint8Array(0);
  from.on("data", (chunk: Uint8Array) => {
    if (buffer === null) return void to.write(chunk);
    buffer = concat(buffer, chunk);
    const end = indexOfEnd(buffer);
    if (end < 0) {
      if (buffer.length < HEAD_LIMIT) return;
      to.write(buffer);
      buffer = null;
      return;
    }
    const lines = latin1.decode(buffer.subarray(0, end - 4)).split("\r\n");
    to.write(headText(lines[0], headersOf(lines)));
    to.write(buffer.subarray(end));
    buffer = null;
  });
  from.on("end", () => to.end());
}

function hostOf(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

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
  const serve = async (client: Socket) => {
    track(client);
    const read = await readHead(client);
    const head = read && parseHead(read.lines, read.rest);
    if (!head) return void client.destroy();
    const tunnel = head.method === "CONNECT";
    let url: URL | null;
    if (tunnel) {
      // Chromium tunnels ws:// through an HTTP proxy too, to port 80: routed as http:// there
      const https = URL.parse(`https://${head.target}/`);
      url = https?.port === "80" ? URL.parse(`http://${https.hostname}/`) : https;
    } else {
      url = head.target.startsWith("http://") ? URL.parse(head.target) : null;
    }
    if (!url) return refuse(client, "400 Bad Request");
    const host = hostOf(url.hostname);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    let routes: readonly (ProxyServer | null)[];
    try {
      routes = await route(url.href);
    } catch {
      routes = [null];
    }
    const ordered = [...routes.filter((r) => !isBad(r)), ...routes.filter(isBad)];
    for (const next of ordered) {
      let opened;
      try {
        opened = await open(next, host, port, tunnel);
      } catch (error) {
        // a proxy that cannot be reached: the next route (Chromium's fallback); a target that
        // cannot be reached DIRECT: the request fails
        if (next !== null && (error as { proxyFailed?: boolean }).proxyFailed !== false) {
          bad.set(keyOf(next), Date.now() + BAD_PROXY_MS);
          continue;
        }
        return refuse(client, "502 Bad Gateway", codeOf(error));
      }
      if ("refused" in opened) {
        await opened.refused.body?.cancel();
        return refuse(client, `${opened.refused.status} ${opened.refused.statusText}`);
      }
      const upstream = opened.socket;
      track(upstream);
      // a side that closed after its end lets the other flush what it still holds
      upstream.once("close", () => client.writableEnded || client.destroy());
      client.once("close", () => upstream.writableEnded || upstream.destroy());
      if (tunnel) {
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        if (head.rest.length) upstream.write(head.rest);
        client.pipe(upstream);
        upstream.pipe(client);
        upstream.resume();
      } else {
        const target = opened.absolute ? url.href : url.pathname + url.search;
        upstream.write(headText(`${head.method} ${target} ${head.version}`, head.headers));
        if (head.rest.length) upstream.write(head.rest);
        client.pipe(upstream);
        pipeResponse(upstream, client);
        upstream.resume();
      }
      client.resume();
      return;
    }
    refuse(client, "502 Bad Gateway", "net::ERR_PROXY_CONNECTION_FAILED");
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
