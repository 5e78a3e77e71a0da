/**
 * The session server: one port that is both a forward proxy (absolute-form requests and CONNECT)
 * in front of a persistent session, and the control API under `/api`.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { networkInterfaces } from "node:os";
import { getConfig, type Session, session } from "../../mod.ts";
import { createApi } from "./api.ts";
import { EventStream } from "./event_stream.ts";
import { forward } from "./forward_proxy.ts";
import { sendWebResponse, toWebRequest } from "./node_bridge.ts";
import { watchRules } from "./rules_file.ts";
import { listen } from "./listen.ts";
import { TokenKeys } from "./token.ts";
import { tunnel, type TunnelStats } from "./tunnel.ts";
import { dashboardHtml, dashboardScript } from "./dashboard.ts";
import { RequestLog } from "./request_log.ts";
import { sameServer } from "./origin_guard.ts";
import { recordEventLog } from "./event_log.ts";
import { CertificateAuthority } from "./ca.ts";
import { InterceptPolicy } from "./intercept_policy.ts";
import { Interceptor, type InterceptTarget } from "./mitm.ts";
import { type AddonPolicy, Addons } from "./addons.ts";
import { lockStorage } from "./storage_lock.ts";
import { DownloadList } from "./downloads.ts";
import { SessionBrowsers } from "./browsers.ts";
import { relayUpgrade } from "./upgrade.ts";

export { RulesFileError } from "./rules_file.ts";
export { ListenError } from "./listen.ts";
export { StorageLockError } from "./storage_lock.ts";

/** An add-on or trusted key given at start could not be loaded (the message names it and why). */
export class AddonError extends Error {
  /** Wraps the loader's error. */
  constructor(what: string, cause: unknown) {
    super(`${what}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "AddonError";
  }
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Port (default 8787; 0 picks a free one). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** The partition behind the proxy (default `persist:default`). */
  partition?: string;
  /** A declarative rules JSON file, re-read when it changes. */
  rulesFile?: string;
  /** Record the session's net log to this file in Chromium's NetLog JSON (`--log-net-log`). */
  netLog?: string;
  /** Append the pipeline's events (the API's event stream) to this file as JSON lines. */
  eventLog?: string;
  /** Lifetime of the printed token in seconds (default 86400; 0: no expiry). */
  tokenTtl?: number;
  /** How long shutdown waits for requests in flight, in ms (default 5000). */
  drainMs?: number;
  /** How many requests the dashboard's log keeps (default 500). */
  keepRequests?: number;
  /** Decrypt CONNECT tunnels at all (default true, as mitmproxy). */
  interceptEnabled?: boolean;
  /** Decrypt only tunnels to these host patterns (default: every host); see `intercept_policy.ts`. */
  intercept?: string[] | null;
  /** Never decrypt tunnels to these host patterns (pass them through). */
  noIntercept?: string[];
  /** Third-party plugins to load into the session at start (paths or URLs). */
  plugins?: string[];
  /** How add-ons are loaded (signatures, trusted keys, isolation). */
  addonPolicy?: AddonPolicy;
  /** Unpacked extensions to load into the session (`--extension DIR`, repeatable). */
  extensions?: string[];
  /**
   * Ports non-loopback clients may CONNECT to (`--connect-ports`; default `[443]`, as squid's
   * SSL_ports). Loopback clients may CONNECT to any port.
   */
  connectPorts?: number[];
  /** How many events an `/api/events` subscriber may fall behind before it is dropped. */
  eventQueueLimit?: number;
}

/** An extension given to the server could not be loaded (the message names it and why). */
export class ExtensionLoadError extends Error {
  override name = "ExtensionLoadError";
}

/** A running server. */
export interface RunningServer {
  /** The proxy address, e.g. `http://127.0.0.1:8787`. */
  proxyUrl: string;
  /** The API's address. */
  apiUrl: string;
  /** A token for the API. */
  token: string;
  /** The session behind the proxy. */
  session: Session;
  /** The token keys (to issue or rotate). */
  keys: TokenKeys;
  /** The local CA that signs the certificates of intercepted hosts. */
  ca: CertificateAuthority;
  /** Which CONNECT hosts are decrypted. */
  policy: InterceptPolicy;
  /** The add-ons of the session. */
  addons: Addons;
  /** Stops accepting, lets requests in flight finish (bounded), flushes the store. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Whether a proxy client may use the proxy: any loopback client; any other one only with the
 * server's token as `Proxy-Authorization` (`Bearer <token>`, or Basic with the token as password).
 *
 * @example
 * ```ts
 * // await proxyClientAllowed("10.0.0.7", "Bearer " + token, keys); // true
 * ```
 */
export async function proxyClientAllowed(
  remoteAddress: string,
  header: string | string[] | undefined,
  keys: TokenKeys,
): Promise<boolean> {
  if (LOOPBACK.test(remoteAddress)) return true;
  const [scheme = "", value = ""] = String(header ?? "").trim().split(/\s+/);
  let presented = "";
  if (scheme.toLowerCase() === "bearer") presented = value;
  else if (scheme.toLowerCase() === "basic") {
    try {
      presented = atob(value).split(":").slice(1).join(":");
    } catch {
      return false;
    }
  }
  return presented !== "" && await keys.verify(presented);
}

/**
 * Starts the server. Rejects with a {@link RulesFileError} when the rules file is bad and with a
 * {@link ListenError} when the port cannot be bound (both with a one-line message), having closed
 * what it opened.
 *
 * @example
 * ```ts
 * // const server = await startServer({ port: 0 });
 * // console.log(server.proxyUrl, server.token);
 * // await server.close();
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const ses = session.fromPartition(options.partition ?? "persist:default");
  let releaseLock = () => {};
  try {
    // a store that cannot be opened rejects here: the server never serves without its rules
    await ses.ready;
    // one server per storage folder, unless the store is shared by design (a network store)
    if (!ses.store.shared) releaseLock = lockStorage(getConfig().storagePath);
  } catch (error) {
    await session.closePartition(ses.partition);
    throw error;
  }
  const keys = new TokenKeys(`${getConfig().storagePath}/server-key.json`);
  const token = await keys.issue(options.tokenTtl ?? 86400);
  const events = new EventStream(ses);
  // Cookie changes go to the live events too: those made here and, on a shared `--store`, those
  // another server made (its cookies emit `changed` here as well).
  const onCookie = (_event: unknown, cookie: unknown, cause: string, removed: boolean) =>
    events.publish({
      type: "cookie",
      id: "",
      url: "",
      elapsed: 0,
      cookie,
      cause,
      removed,
    });
  ses.cookies.on("changed", onCookie);
  const tunnels: TunnelStats = {
    opened: 0,
    refused: 0,
    active: 0,
    bytesUp: 0,
    bytesDown: 0,
    intercepted: 0,
    handshakeFailures: 0,
  };
  let ca: CertificateAuthority;
  try {
    ca = await CertificateAuthority.open(getConfig().storagePath);
  } catch (error) {
    await session.closePartition(ses.partition);
    releaseLock();
    throw error;
  }
  const policy = new InterceptPolicy({
    enabled: options.interceptEnabled,
    intercept: options.intercept,
    noIntercept: options.noIntercept,
  });
  // The sockets of relayed upgrades (WebSocket): no server tracks them, shutdown closes them.
  const relays = new Set<Duplex>();
  const interceptor = await Interceptor.start(
    ca,
    (req: IncomingMessage, res: ServerResponse, target: InterceptTarget) => {
      inFlight++;
      proxied++;
      res.on("close", () => inFlight--);
      if (looped(req, res)) return Promise.resolve();
      return forward(ses, req, res, urlInTunnel(target, req.url), log, via);
    },
    (req: IncomingMessage, socket: Duplex, head: Uint8Array, target: InterceptTarget) => {
      proxied++;
      return relayUpgrade(ses, req, socket, head, urlInTunnel(target, req.url), via, relays);
    },
  );
  let proxied = 0;
  let inFlight = 0;
  const addons = new Addons(ses, events, options.addonPolicy);
  const downloads = new DownloadList(events);
  downloads.watch(ses);
  const log = new RequestLog(ses, { keep: options.keepRequests });
  log.subscribe((entry) =>
    events.publish({
      type: "entry",
      id: entry.id,
      url: entry.url,
      method: entry.method,
      status: entry.status ?? undefined,
      error: entry.error ?? undefined,
      elapsed: entry.timings.end ?? 0,
      entry,
    }), () => events.listening);
  // The addresses the dashboard and API answer to (filled once the port is known).
  const ownHosts = new Set<string>();
  let proxyUrl = "";
  const browsers = new SessionBrowsers(ses, () => ({ proxyUrl, caSpki: ca.spkiHash }));
  const api = createApi({
    session: ses,
    keys,
    events,
    ca,
    policy,
    addons,
    log,
    ownHosts,
    eventQueueLimit: options.eventQueueLimit,
    downloads,
    browsers,
    stats: () => ({
      proxied,
      inFlight,
      ...prefix("tunnels", tunnels),
      "events.subscribers": events.subscribers,
      "events.dropped": events.dropped,
    }),
  });
  let stopRules: (() => void) | null = null;
  try {
    if (options.rulesFile) stopRules = await watchRules(ses, options.rulesFile);
    for (const dir of options.extensions ?? []) {
      const load = (ses as unknown as { loadExtension?(path: string): Promise<unknown> })
        .loadExtension;
      if (!load) throw new ExtensionLoadError("--extension: the session has no extensions plugin");
      await load.call(ses, dir).catch((error: Error) => {
        throw new ExtensionLoadError(`--extension ${dir}: ${error.message}`);
      });
    }
    for (const source of options.plugins ?? []) {
      await addons.load(source).catch((error: unknown) => {
        throw new AddonError(`--plugin ${source}`, error);
      });
    }
  } catch (error) {
    stopRules?.();
    addons.close();
    await interceptor.close();
    await session.closePartition(ses.partition);
    releaseLock();
    throw error;
  }
  const stopEventLog = options.eventLog ? recordEventLog(events, options.eventLog) : null;
  if (options.netLog) await ses.netLog.startLogging(options.netLog);
  const stopNetLog = () => {
    stopEventLog?.();
    // Electron's stopLogging rejects when no log runs (never started, or stopped through the API).
    return ses.netLog.currentlyLogging ? ses.netLog.stopLogging() : Promise.resolve();
  };

  const allowed = (req: IncomingMessage): Promise<boolean> =>
    proxyClientAllowed(req.socket.remoteAddress ?? "", req.headers["proxy-authorization"], keys);
  // A loopback client needs no token: said without a promise to wait for on every request.
  const allowedNow = (req: IncomingMessage): boolean | Promise<boolean> =>
    LOOPBACK.test(req.socket.remoteAddress ?? "") || allowed(req);

  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`websession: ${(error as Error).message}\n`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    if (target.startsWith("/")) {
      if (!sameServer(req.headers.host, req.headers.origin, ownHosts)) {
        res.writeHead(403, { "content-type": "text/plain" });
        res.end("websession: only the server's own origin may use the dashboard and the API\n");
        return;
      }
      if (target === "/" || target.startsWith("/?")) {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy":
            "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
          "x-frame-options": "DENY",
        });
        res.end(dashboardHtml);
        return;
      }
      if (target === "/dashboard.js") {
        res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
        res.end(await dashboardScript());
        return;
      }
      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const request = toWebRequest(req, `http://${req.headers.host ?? host}`, controller.signal);
      await sendWebResponse(res, await api.fetch(request), false);
      return;
    }
    let permitted = allowedNow(req);
    if (permitted instanceof Promise) permitted = await permitted;
    if (!permitted) {
      res.writeHead(407, {
        "proxy-authenticate": 'Basic realm="websession"',
        "content-type": "text/plain",
      });
      res.end("websession: Proxy-Authorization with the server's token is needed\n");
      return;
    }
    if (looped(req, res)) return;
    proxied++;
    await forward(ses, req, res, req.url, log, via);
  }

  // RFC 9110 7.6.3: this server's name in Via; a request that already carries it came back
  const viaName = `websession-${crypto.randomUUID().slice(0, 8)}`;
  const via = `1.1 ${viaName}`;
  function cameBack(req: IncomingMessage): boolean {
    const header = req.headers.via;
    if (header === undefined || !header.includes(viaName)) return false;
    const received = header.split(",").map((hop) => hop.trim());
    return received.some((hop) => hop.split(/\s+/)[1] === viaName);
  }
  function looped(req: IncomingMessage, res: ServerResponse): boolean {
    if (!cameBack(req)) return false;
    loopRefusal(res, `${req.url} came back to this server (its Via names ${viaName})`);
    return true;
  }
  const connectPorts = new Set(options.connectPorts ?? [443]);

  // Small responses go out as several writes; without TCP_NODELAY each waits for a delayed ACK.
  server.on("connection", (socket) => socket.setNoDelay(true));

  // An upgrade (WebSocket) to an origin is relayed after the rules; the server's own pages have none.
  server.on("upgrade", async (req: IncomingMessage, socket: Duplex, head: Uint8Array) => {
    socket.on("error", () => socket.destroy());
    const refusal = (req.url ?? "/").startsWith("/")
      ? "404 Not Found\r\n\r\nwebsession: the server's own pages take no upgrade"
      : !(await allowed(req))
      ? '407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="websession"\r\n\r\n'
      : cameBack(req)
      ? `508 Loop Detected\r\n\r\nwebsession: proxy loop: ${req.url} came back to this server`
      : null;
    if (refusal !== null) {
      socket.end(`HTTP/1.1 ${refusal.replace("\r\n\r\n", "\r\nconnection: close\r\n\r\n")}\n`);
      return;
    }
    proxied++;
    await relayUpgrade(ses, req, socket, head, req.url!, via, relays);
  });

  server.on("connect", async (req: IncomingMessage, socket: Duplex, head: Uint8Array) => {
    socket.on("error", () => {});
    if (!(await allowed(req))) {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="websession"\r\n\r\n',
      );
      return;
    }
    const target = /^(.*):(\d+)$/.exec(req.url ?? "");
    if (target && ownHosts.has(req.url!.toLowerCase())) {
      socket.end(
        `HTTP/1.1 508 Loop Detected\r\ncontent-type: text/plain\r\n\r\nwebsession: CONNECT ${req.url} is this server itself; the tunnel would loop\n`,
      );
      return;
    }
    const remote = req.socket.remoteAddress ?? "";
    if (target && !LOOPBACK.test(remote) && !connectPorts.has(Number(target[2]))) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nwebsession: CONNECT to port ${
          target[2]
        } is not allowed for clients other than this machine (--connect-ports lists the allowed ports: ${
          [...connectPorts].join(",")
        })\n`,
      );
      return;
    }
    await tunnel(ses, req, socket, head, tunnels, events, { policy, interceptor });
  });

  try {
    await listen(server, options.port ?? 8787, host);
  } catch (error) {
    stopRules?.();
    await stopNetLog();
    addons.close();
    await interceptor.close();
    await session.closePartition(ses.partition);
    releaseLock();
    throw error;
  }
  const address = server.address() as { port: number };
  const shown = host.includes(":") ? `[${host}]` : host;
  proxyUrl = `http://${shown}:${address.port}`;
  ownHosts.add(`${shown}:${address.port}`.toLowerCase());
  if (/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) {
    for (const name of ["localhost", "127.0.0.1", "[::1]"]) ownHosts.add(`${name}:${address.port}`);
  } else if (host === "0.0.0.0" || host === "::") {
    for (const nets of Object.values(networkInterfaces())) {
      for (const net of nets ?? []) {
        const name = net.family === "IPv6" ? `[${net.address}]` : net.address;
        ownHosts.add(`${name}:${address.port}`.toLowerCase());
      }
    }
  }

  let closing: Promise<void> | null = null;
  const close = () =>
    closing ??= (async () => {
      stopRules?.();
      for (const socket of relays) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        const deadline = setTimeout(() => {
          server.closeAllConnections?.();
          resolve();
        }, options.drainMs ?? 5000);
        server.closeIdleConnections?.();
        server.once("close", () => clearTimeout(deadline));
      });
      await stopNetLog();
      addons.close();
      downloads.close();
      log.close();
      await interceptor.close();
      await ses.flushStorageData();
      await session.closePartition(ses.partition);
      releaseLock();
    })();

  return {
    proxyUrl,
    apiUrl: `${proxyUrl}/api`,
    token,
    session: ses,
    keys,
    ca,
    policy,
    addons,
    close,
  };
}

/** The URL of a request inside an intercepted tunnel (origin-form, made absolute by the tunnel). */
function urlInTunnel(target: InterceptTarget, requestTarget: string | undefined): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const port = target.port === (target.scheme === "https" ? 443 : 80) ? "" : `:${target.port}`;
  const path = requestTarget?.startsWith("/") ? requestTarget : `/${requestTarget ?? ""}`;
  return `${target.scheme}://${host}${port}${path}`;
}

function loopRefusal(res: ServerResponse, why: string): void {
  res.writeHead(508, {
    "content-type": "text/plain; charset=utf-8",
    "x-websession-reason": "proxy loop",
  });
  res.end(`websession: proxy loop: ${why}\n`);
}

function prefix(name: string, values: object): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [`${name}.${key}`, value as number]),
  );
}
