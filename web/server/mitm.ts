/**
 * Interception of a CONNECT tunnel: the server answers the client's TLS handshake with a leaf
 * certificate of its local CA for the host (SNI, or the CONNECT host when the client sends none),
 * offers only `http/1.1` by ALPN (HTTP/2 inside the tunnel is not done yet), and hands each HTTP/1.1
 * request inside to `dispatch` with the tunnel's target, to go through the session's pipeline as
 * `https://host/...`. A tunnel whose first byte is not a TLS handshake carries plain HTTP and is
 * dispatched as `http://host:port/...`.
 *
 * The requests are parsed by a `node:http` server that listens nowhere: on Bun the decrypted socket
 * is handed to it (`emit("connection")`); Deno's `node:http` cannot take a socket that way, so there
 * the server listens on a loopback port and each decrypted socket is piped to a connection to it,
 * known by its local port.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { createSecureContext, type SecureContext, TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import { detectRuntime } from "../../mod.ts";
import type { CertificateAuthority } from "./ca.ts";

/** Where an intercepted tunnel goes. */
export interface InterceptTarget {
  /** `https` after a TLS handshake, `http` for plain HTTP in the tunnel. */
  scheme: "https" | "http";
  /** The CONNECT host (IPv6 without brackets). */
  host: string;
  /** The CONNECT port. */
  port: number;
}

/** Sends one request of an intercepted tunnel on (through the session). */
export type Dispatch = (
  req: IncomingMessage,
  res: ServerResponse,
  target: InterceptTarget,
) => Promise<void>;

/** Relays one upgrade request (WebSocket) of an intercepted tunnel (see `upgrade.ts`). */
export type UpgradeDispatch = (
  req: IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  target: InterceptTarget,
) => Promise<void>;

/** How {@link Interceptor.serve} ended. */
export type InterceptOutcome =
  | { kind: "tls" | "http" }
  | { kind: "handshake-failed"; error: string }
  | { kind: "closed" };

const TLS_HANDSHAKE = 0x16;
const CONTEXT_CACHE = 1000;

/**
 * Terminates intercepted tunnels.
 *
 * @example
 * ```ts
 * // const interceptor = await Interceptor.start(ca, (req, res, target) => forward(...));
 * // server.on("connect", (req, socket, head) => interceptor.serve(socket, head, target));
 * ```
 */
export class Interceptor {
  #ca: CertificateAuthority;
  #inner: Server;
  #loopbackPort = 0;
  #byLocalPort = new Map<number, InterceptTarget>();
  #bySocket = new WeakMap<object, InterceptTarget>();
  #contexts = new Map<string, Promise<SecureContext>>();

  private constructor(ca: CertificateAuthority, dispatch: Dispatch, upgrade?: UpgradeDispatch) {
    this.#ca = ca;
    this.#inner = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      const target = this.#targetOf(req);
      if (!target) {
        req.socket.destroy();
        return;
      }
      dispatch(req, res, target).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`websession: ${(error as Error).message}\n`);
      });
    });
    this.#inner.on("connection", (socket: Socket) => socket.setNoDelay?.(true));
    this.#inner.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Uint8Array) => {
      const target = this.#targetOf(req);
      if (!target || !upgrade) {
        socket.destroy();
        return;
      }
      upgrade(req, socket, head, target).catch(() => socket.destroy());
    });
  }

  #targetOf(req: IncomingMessage): InterceptTarget | undefined {
    return this.#bySocket.get(req.socket) ?? this.#byLocalPort.get(req.socket.remotePort ?? -1);
  }

  /**
   * Makes an interceptor signing with `ca`; `dispatch` sends each request on, `upgrade` relays
   * each upgrade request (without it, a tunnel's upgrade request is closed).
   */
  static async start(
    ca: CertificateAuthority,
    dispatch: Dispatch,
    upgrade?: UpgradeDispatch,
  ): Promise<Interceptor> {
    const interceptor = new Interceptor(ca, dispatch, upgrade);
    if (!handsSocketsOver()) {
      await new Promise<void>((resolve, reject) => {
        interceptor.#inner.once("error", reject);
        interceptor.#inner.listen(0, "127.0.0.1", () => resolve());
      });
      interceptor.#loopbackPort = (interceptor.#inner.address() as { port: number }).port;
    }
    return interceptor;
  }

  /**
   * Serves an intercepted tunnel (after `200 Connection Established` went out); resolves once the
   * handshake is done or failed (the requests inside go on after that).
   */
  async serve(
    client: Duplex,
    head: Uint8Array,
    target: { host: string; port: number },
  ): Promise<InterceptOutcome> {
    const first = head.length ? head : await firstChunk(client);
    if (!first) {
      client.destroy(); // the client ended the tunnel before a byte: end the server's side too
      return { kind: "closed" };
    }
    client.unshift(first);
    if (first[0] !== TLS_HANDSHAKE) {
      this.#handOver(client, { scheme: "http", ...target });
      return { kind: "http" };
    }
    const defaultContext = await this.#contextFor(target.host);
    const secure = new TLSSocket(client as Socket, {
      isServer: true,
      secureContext: defaultContext,
      ALPNProtocols: ["http/1.1"],
      // Deno calls this with "" when the client sent no SNI (an IP target); Node and Bun do not.
      SNICallback: (servername, callback) => {
        this.#contextFor(servername || target.host).then(
          (context) => callback(null, context),
          (error) => callback(error as Error, undefined),
        );
      },
    });
    return await new Promise<InterceptOutcome>((resolve) => {
      const failed = (error: string) => {
        secure.destroy();
        client.destroy();
        resolve({ kind: "handshake-failed", error });
      };
      const onError = (error: Error) => failed(error.message);
      const onClose = () => failed("the client closed the connection during the handshake");
      secure.once("error", onError);
      secure.once("close", onClose);
      secure.once("secure", () => {
        secure.off("error", onError);
        secure.off("close", onClose);
        secure.on("error", () => secure.destroy());
        this.#handOver(secure, { scheme: "https", ...target });
        resolve({ kind: "tls" });
      });
    });
  }

  /** Stops the loopback listener (Deno) and drops the cached contexts. */
  close(): Promise<void> {
    this.#contexts.clear();
    if (!this.#loopbackPort) return Promise.resolve();
    this.#inner.closeAllConnections?.();
    return new Promise((resolve) => this.#inner.close(() => resolve()));
  }

  #handOver(socket: Duplex, target: InterceptTarget): void {
    if (!this.#loopbackPort) {
      this.#bySocket.set(socket, target);
      this.#inner.emit("connection", socket);
      // The first chunk was read (and the socket paused) to tell TLS from plain HTTP.
      socket.resume();
      return;
    }
    const inner = connect(this.#loopbackPort, "127.0.0.1");
    inner.setNoDelay(true);
    inner.once("connect", () => {
      const port = inner.localPort!;
      this.#byLocalPort.set(port, target);
      inner.once("close", () => this.#byLocalPort.delete(port));
      socket.pipe(inner);
      inner.pipe(socket);
    });
    const done = () => {
      inner.destroy();
      socket.destroy();
    };
    inner.on("error", done);
    socket.on("error", done);
    socket.once("close", done);
    inner.once("close", done);
  }

  #contextFor(host: string): Promise<SecureContext> {
    const name = host.toLowerCase();
    let context = this.#contexts.get(name);
    if (!context) {
      if (this.#contexts.size >= CONTEXT_CACHE) {
        this.#contexts.delete(this.#contexts.keys().next().value!);
      }
      context = this.#ca.leafFor(name).then((leaf) => createSecureContext(leaf));
      this.#contexts.set(name, context);
      context.catch(() => this.#contexts.delete(name));
    }
    return context;
  }
}

// Bun's node:http server parses a socket handed to it with emit("connection"); Deno's reads the
// handle under it (the encrypted bytes), so Deno goes through a loopback connection.
function handsSocketsOver(): boolean {
  return detectRuntime() === "bun";
}

function firstChunk(socket: Duplex): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const onData = (chunk: Uint8Array) => {
      cleanup();
      socket.pause();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onEnd);
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onEnd);
  });
}
