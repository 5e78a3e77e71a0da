/**
 * The origin both browsers talk to in the differential tests: one raw HTTP/1.1 server on
 * 127.0.0.1 (plain and TLS on two ports), reached by any host name through host resolver rules.
 * It is stateless: the query carries what to answer (`?set=<base64url JSON array of Set-Cookie
 * lines, sent byte for byte>`), and the body is the request as seen (`{ cookie, method, url }`),
 * so Chromium and websession see the same bytes. Lines go out as written, control bytes included,
 * which no `Response` object can carry.
 *
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";

/** A running parity origin. */
export interface ParityServer {
  /** The plain HTTP port. */
  httpPort: number;
  /** The TLS port. */
  httpsPort: number;
  /** Stops both. */
  close(): Promise<void>;
}

/** What the origin's body says about the request it got. */
export interface SeenRequest {
  /** The `Cookie` header (null when none). */
  cookie: string | null;
  /** The method. */
  method: string;
  /** The request target. */
  url: string;
  /** The Host header. */
  host: string;
  /** The request's `x-*` and `accept-language` headers (names in lower case). */
  headers: Record<string, string>;
}

/** The query value carrying Set-Cookie lines. */
export function encodeLines(lines: readonly string[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(lines));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeLines(value: string): string[] {
  const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  const lines = JSON.parse(text);
  return Array.isArray(lines) ? lines.map(String) : [];
}

/** The bytes of a string's UTF-8 encoding. */
function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function answer(head: string): Uint8Array {
  const [requestLine, ...headerLines] = head.split("\r\n");
  const [method = "GET", target = "/"] = requestLine.split(" ");
  let cookie: string | null = null;
  const seenHeaders: Record<string, string> = {};
  let host = "";
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : "";
    if (name === "host") host = line.slice(colon + 1).trim();
    if (name.startsWith("x-") || name === "accept-language") {
      seenHeaders[name] = line.slice(colon + 1).trim();
    }
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === "cookie") {
      const value = line.slice(colon + 1).trim();
      cookie = cookie === null ? value : `${cookie}; ${value}`;
    }
  }
  const query = target.indexOf("?") >= 0 ? target.slice(target.indexOf("?") + 1) : "";
  const set = new URLSearchParams(query).get("set");
  const lines = set ? decodeLines(set) : [];
  const seen: SeenRequest = {
    cookie: cookie === null
      ? null
      : new TextDecoder().decode(Uint8Array.from(cookie, (c) => c.charCodeAt(0))),
    method,
    url: target,
    host,
    headers: seenHeaders,
  };
  const body = utf8(JSON.stringify(seen));
  const parts = [
    "HTTP/1.1 200 OK",
    "Content-Type: application/json",
    "Cache-Control: no-store",
    `Content-Length: ${body.byteLength}`,
    ...lines.map((l) => `Set-Cookie: ${l}`),
  ];
  const headBytes = utf8(`${parts.join("\r\n")}\r\n\r\n`);
  const out = new Uint8Array(headBytes.byteLength + body.byteLength);
  out.set(headBytes);
  out.set(body, headBytes.byteLength);
  return out;
}

function handle(socket: Socket): void {
  let buffered = "";
  socket.on("data", (chunk: Uint8Array) => {
    buffered += Array.from(chunk, (b) => String.fromCharCode(b)).join("");
    for (;;) {
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffered.slice(0, end);
      buffered = buffered.slice(end + 4);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) buffered = buffered.slice(Number(length[1]));
      socket.write(answer(head));
    }
  });
  socket.on("error", () => {});
}

/**
 * Starts the origin: plain HTTP, and TLS with the given certificate.
 */
export async function startParityServer(tls: { cert: string; key: string }): Promise<ParityServer> {
  const plain: Server = createServer(handle);
  const secure: TlsServer = createTlsServer({ cert: tls.cert, key: tls.key }, handle);
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => secure.listen(0, "127.0.0.1", r));
  return {
    httpPort: (plain.address() as { port: number }).port,
    httpsPort: (secure.address() as { port: number }).port,
    close: async () => {
      await new Promise<void>((r) => plain.close(() => r()));
      await new Promise<void>((r) => secure.close(() => r()));
    },
  };
}
