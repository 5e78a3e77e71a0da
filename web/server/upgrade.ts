/**
 * Upgrades through the proxy (WebSocket, as mitmproxy relays them): a request carrying `Upgrade`
 * (absolute-form, or inside a CONNECT tunnel) passes the session's rules at URL level
 * (`beforeRequest`, resource type `websocket`: a blocked one answers 403 naming the rule), then
 * goes to the origin over its own connection (TLS verified for `https`) with the server added to
 * `Via`; the origin's answer (`101 Switching Protocols` or any other) and the frames after it are
 * relayed byte for byte both ways. Header rules, listeners of later stages and the session's
 * cookies do not apply to the handshake (the session's HTTP transports cannot hand over a socket).
 *
 * @module
 */
import type { IncomingMessage } from "node:http";
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import type { Duplex } from "node:stream";
import { admitRequest, isNetError, type NetError, type Session, toNetError } from "../../mod.ts";
import { headerSafe } from "./node_bridge.ts";

/** What the proxy never forwards of an upgrade request (`Connection` and `Upgrade` stay). */
const NOT_FORWARDED = new Set([
  "host",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
]);

/**
 * Relays one upgrade request (`req` with the client's socket and the bytes already read after its
 * head) to `url` through `session`'s rules; `via` (`1.1 name`) is added to its `Via` header.
 * Resolves once the relay is set up or refused; the sockets are closed together. While the relay
 * is open both sockets are in `relays`, so that the server's shutdown can close them.
 *
 * @example
 * ```ts
 * // const relays = new Set<Duplex>();
 * // server.on("upgrade", (req, socket, head) => relayUpgrade(ses, req, socket, head, req.url!, via, relays));
 * ```
 */
export async function relayUpgrade(
  session: Session,
  req: IncomingMessage,
  client: Duplex,
  head: Uint8Array,
  url: string,
  via: string | null,
  relays: Set<Duplex> = new Set(),
): Promise<void> {
  client.on("error", () => client.destroy());
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    target = new URL("about:blank");
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    refuse(
      client,
      400,
      "net::ERR_DISALLOWED_URL_SCHEME",
      "the proxy forwards http: and https: URLs only",
    );
    return;
  }
  const pairs = forwardedHeaders(req, target, via);
  let admitted;
  try {
    admitted = await admitRequest(session.pipeline, {
      url: target.href,
      method: req.method ?? "GET",
      headers: new Headers(pairs),
      body: null,
      resourceType: "websocket",
    });
  } catch (error) {
    const code = isNetError(error) ? (error as NetError).code : "net::ERR_FAILED";
    refuse(
      client,
      code === "net::ERR_BLOCKED_BY_CLIENT" ? 403 : 502,
      code,
      (error as Error).message,
    );
    return;
  }
  const upstream = open(target);
  relays.add(client).add(upstream);
  let relaying = false;
  let finished = false;
  const finish = (error: NetError | null) => {
    if (finished) return;
    finished = true;
    relays.delete(client);
    relays.delete(upstream);
    admitted.end(error);
    upstream.destroy();
    client.destroy();
  };
  upstream.once("error", (error) => {
    const netError = toNetError(error);
    if (!relaying) refuse(client, 502, netError.code, netError.message);
    finish(netError);
  });
  upstream.once(target.protocol === "https:" ? "secureConnect" : "connect", () => {
    relaying = true;
    const path = `${target.pathname}${target.search}`;
    const lines = pairs.map(([name, value]) => `${name}: ${value}\r\n`).join("");
    upstream.write(`${req.method} ${path} HTTP/1.1\r\n${lines}\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  // A side that ends is ended on the other side (pipe does that); once both have, all is closed.
  let ends = 0;
  const sideEnded = () => ++ends === 2 && finish(null);
  upstream.once("end", sideEnded);
  client.once("end", sideEnded);
  upstream.once("close", () => finish(null));
  client.once("close", () => finish(null));
}

/** The request's headers as sent on: Host from the URL first, hop-by-hop ones dropped, Via added. */
function forwardedHeaders(
  req: IncomingMessage,
  target: URL,
  via: string | null,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [["host", target.host]];
  const raw = req.rawHeaders;
  let received: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === "via") received = received === null ? raw[i + 1] : `${received}, ${raw[i + 1]}`;
    else if (!NOT_FORWARDED.has(name) && !/[\0\r\n]/.test(raw[i + 1])) {
      pairs.push([raw[i], raw[i + 1]]);
    }
  }
  const hops = [received, via].filter((hop) => hop !== null);
  if (hops.length) pairs.push(["via", hops.join(", ")]);
  return pairs;
}

function open(target: URL): Socket {
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  if (target.protocol === "http:") return connectTcp(port, host);
  return connectTls({
    host,
    port,
    servername: isIP(host) ? undefined : host,
    ALPNProtocols: ["http/1.1"],
  });
}

function refuse(client: Duplex, status: number, code: string, why: string): void {
  const text = `websession: ${why}\n`;
  const reason = status === 403 ? "Forbidden" : status === 400 ? "Bad Request" : "Bad Gateway";
  client.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `x-websession-error: ${code}\r\nx-websession-reason: ${headerSafe(why)}\r\n` +
      `content-length: ${
        new TextEncoder().encode(text).length
      }\r\nconnection: close\r\n\r\n${text}`,
  );
}
