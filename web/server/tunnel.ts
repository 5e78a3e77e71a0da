/**
 * CONNECT tunnels: allowed or refused by the session's rules at host level
 * (`https://host:port/` passes `beforeRequest`), counted, and then either decrypted (see
 * `mitm.ts`, when the interception policy says so) or piped without decrypting.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import {
  admitRequest,
  isNetError,
  NET_LOG_SINK,
  type NetError,
  type NetLogSink,
  type Session,
} from "../../mod.ts";
import { logSocket } from "../../adapters/socks/net_log_socket.ts";
import type { EventStream } from "./event_stream.ts";
import { headerSafe } from "./node_bridge.ts";
import type { InterceptPolicy } from "./intercept_policy.ts";
import type { Interceptor } from "./mitm.ts";

/** Counters of tunnels. */
export interface TunnelStats {
  /** Tunnels opened. */
  opened: number;
  /** Tunnels refused by the rules. */
  refused: number;
  /** Tunnels open now. */
  active: number;
  /** Bytes client -> server. */
  bytesUp: number;
  /** Bytes server -> client. */
  bytesDown: number;
  /** Tunnels decrypted (their requests go through the pipeline one by one). */
  intercepted: number;
  /** Client handshakes of decrypted tunnels that failed (a client not trusting the CA, pinning). */
  handshakeFailures: number;
}

/** What decrypting tunnels needs. */
export interface TunnelInterception {
  /** Which hosts. */
  policy: InterceptPolicy;
  /** The TLS side. */
  interceptor: Interceptor;
}

/**
 * Handles one CONNECT request.
 *
 * @example
 * ```ts
 * // server.on("connect", (req, socket, head) => tunnel(ses, req, socket, head, stats, events));
 * ```
 */
export async function tunnel(
  session: Session,
  req: IncomingMessage,
  client: Duplex,
  head: Uint8Array,
  stats: TunnelStats,
  events: EventStream,
  interception?: TunnelInterception,
): Promise<void> {
  const target = parseAuthority(req.url ?? "");
  if (!target) {
    client.end("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\nBad CONNECT target\n");
    return;
  }
  const url = `https://${
    target.host.includes(":") ? `[${target.host}]` : target.host
  }:${target.port}/`;
  let admitted;
  try {
    admitted = await admitRequest(session.pipeline, {
      url,
      method: "CONNECT",
      headers: new Headers(),
      body: null,
      resourceType: "other",
    });
  } catch (error) {
    stats.refused++;
    const code = isNetError(error) ? (error as NetError).code : "net::ERR_FAILED";
    const text = `websession: ${(error as Error).message}\n`;
    client.end(
      `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-websession-error: ${code}\r\nx-websession-reason: ${
        headerSafe((error as Error).message)
      }\r\ncontent-length: ${new TextEncoder().encode(text).length}\r\n\r\n${text}`,
    );
    return;
  }
  const { request, end } = admitted;
  if (interception?.policy.shouldIntercept(target.host, target.port)) {
    await intercept(session, client, head, target, url, admitted, stats, events, interception);
    return;
  }
  const upstream: Socket = connect(target.port, target.host);
  // The net log, while one records: the upstream socket as a SOCKET source of the CONNECT.
  const log = request.data.get(NET_LOG_SINK) as NetLogSink | undefined;
  if (log) {
    const socket = log.source("SOCKET");
    socket.begin("SOCKET_ALIVE", { source_dependency: log.ref });
    logSocket(socket, upstream, target.host, target.port);
    log.event("SOCKET_POOL_BOUND_TO_SOCKET", { source_dependency: socket.ref });
    socket.begin("SOCKET_IN_USE", { source_dependency: log.ref });
  }
  let up = 0;
  let down = 0;
  let finished = false;
  const finish = (error: Error | null) => {
    if (finished) return;
    finished = true;
    stats.active--;
    end(error ? (isNetError(error) ? error as NetError : null) : null);
    events.publish({
      type: "tunnel-closed",
      id: `t${request.id}`,
      url,
      elapsed: session.now() - request.timestamp,
      bytes: { up, down },
    });
    upstream.destroy();
    client.destroy();
  };
  stats.opened++;
  stats.active++;
  upstream.once("connect", () => {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    events.publish({ type: "tunnel", id: `t${request.id}`, url, elapsed: 0 });
    if (head.length) {
      up += head.length;
      stats.bytesUp += head.length;
      upstream.write(head);
    }
    // Counted as they pass, so that the counters are right while the tunnel is open.
    client.on("data", (chunk: Uint8Array) => {
      up += chunk.length;
      stats.bytesUp += chunk.length;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    upstream.on("data", (chunk: Uint8Array) => {
      down += chunk.length;
      stats.bytesDown += chunk.length;
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
  });
  upstream.on("error", (error) => {
    if (!client.writableEnded && up === 0 && down === 0) {
      client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\n");
    }
    finish(error);
  });
  client.on("error", () => finish(null));
  upstream.on("end", () => client.end());
  client.on("end", () => upstream.end());
  upstream.on("close", () => finish(null));
  client.on("close", () => finish(null));
}

async function intercept(
  session: Session,
  client: Duplex,
  head: Uint8Array,
  target: { host: string; port: number },
  url: string,
  admitted: Awaited<ReturnType<typeof admitRequest>>,
  stats: TunnelStats,
  events: EventStream,
  { policy, interceptor }: TunnelInterception,
): Promise<void> {
  const { request, end } = admitted;
  const id = `t${request.id}`;
  stats.opened++;
  stats.active++;
  stats.intercepted++;
  let finished = false;
  client.once("close", () => {
    if (finished) return;
    finished = true;
    stats.active--;
    end(null);
    events.publish({
      type: "tunnel-closed",
      id,
      url,
      elapsed: session.now() - request.timestamp,
      intercepted: true,
    });
  });
  client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  events.publish({ type: "tunnel", id, url, elapsed: 0, intercepted: true });
  const outcome = await interceptor.serve(client, head, target);
  if (outcome.kind === "handshake-failed") {
    stats.handshakeFailures++;
    const count = policy.recordFailure(target.host, outcome.error);
    events.publish({
      type: "tls-failed",
      id,
      url,
      host: target.host,
      error: outcome.error,
      count,
      elapsed: session.now() - request.timestamp,
    });
  }
}

function parseAuthority(value: string): { host: string; port: number } | null {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d+)$|^([^:\s/]+):(\d+)$/.exec(value);
  if (!match) return null;
  const host = match[1] ?? match[3];
  const port = Number(match[2] ?? match[4]);
  if (!(port > 0 && port < 65536)) return null;
  return { host, port };
}
