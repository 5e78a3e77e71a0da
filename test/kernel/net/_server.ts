/**
 * Test servers on 127.0.0.1: a hono app served by `Deno.serve` or `Bun.serve` (picked by
 * runtime), raw TCP servers (`node:net`) for misbehaving peers, and helpers to collect the events
 * of a `ClientRequest`.
 *
 * @module
 */
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { Hono } from "hono";
import { stream } from "hono/streaming";
import { configure, session } from "../../../mod.ts";
import { closedPort, serve as serveOnLoopback } from "../../_serve.ts";
import type { ClientRequest, IncomingMessage } from "../../../mod.ts";

try {
  configure({ storagePath: `${tmpdir()}/websession-net-test-${Date.now()}-${Math.random()}` });
} catch {
  // Another test file configured a storage root already; any root does for these tests.
}

/** A running server. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  /** The port. */
  port: number;
  /** Stops it. */
  close(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

/** Serves `handler` on 127.0.0.1 with the runtime's own server (test/_serve.ts). */
export async function serve(handler: Handler): Promise<TestServer> {
  const server = await serveOnLoopback(handler);
  return { origin: server.url, port: server.port, close: () => server.close() };
}

/** Serves raw TCP: `onSocket` writes whatever it likes. */
export async function serveRaw(onSocket: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export const refusedPort: () => Promise<number> = closedPort;

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const sha512_256 = (text: string) => createHash("sha512-256").update(text).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-z-]+)=("((?:[^"\\]|\\.)*)"|[^,\s]*)/gi)) {
    out[m[1].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : m[2];
  }
  return out;
}

/** Checks a Digest `Authorization` the way a server does (node:crypto, independent of ours). */
export function checkDigest(
  header: string | null,
  method: string,
  user: string,
  password: string,
  realm: string,
  algorithm: "MD5" | "SHA-256" | "SHA-512-256",
): boolean {
  if (!header?.startsWith("Digest ")) return false;
  const p = digestParams(header);
  const h = algorithm === "MD5" ? md5 : algorithm === "SHA-256" ? sha256 : sha512_256;
  if (p.username !== user || p.realm !== realm || p.algorithm !== algorithm) return false;
  if (p.opaque !== "opaque-value") return false;
  const ha1 = h(`${user}:${realm}:${password}`);
  const ha2 = h(`${method}:${p.uri}`);
  return p.response === h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

/** The hono app most tests use. */
export function testApp(): Hono {
  const app = new Hono();
  app.get("/hello", (c) => c.text("hello"));
  app.all("/echo", async (c) => {
    const body = c.req.method === "GET" || c.req.method === "HEAD" ? "" : await c.req.text();
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => (headers[name] = value));
    return c.json({ method: c.req.method, url: c.req.url, headers, body });
  });
  app.all("/redirect/:status", (c) => {
    const to = c.req.query("to") ?? "/echo";
    return new Response(null, { status: Number(c.req.param("status")), headers: { location: to } });
  });
  app.get("/loop", () => new Response(null, { status: 302, headers: { location: "/loop" } }));
  app.get("/chain/:n", (c) => {
    const n = Number(c.req.param("n"));
    if (n === 0) return c.text("done");
    return new Response(null, { status: 302, headers: { location: `/chain/${n - 1}` } });
  });
  app.get("/cookies", () => {
    const headers = new Headers({ "content-type": "text/plain" });
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; Path=/");
    headers.append("x-multi", "one");
    headers.append("x-multi", "two");
    return new Response("ok", { headers });
  });
  app.get("/basic", (c) => {
    if (c.req.header("authorization") === `Basic ${btoa("user:secret")}`) return c.text("welcome");
    return c.text("who are you", 401, { "www-authenticate": 'Basic realm="test realm"' });
  });
  app.get("/proxy-auth", (c) => {
    if (c.req.header("proxy-authorization") === `Basic ${btoa("proxy:pass")}`) {
      return c.text("through");
    }
    return c.text("proxy auth", 407, { "proxy-authenticate": 'Basic realm="proxy realm"' });
  });
  app.all("/digest/:algorithm", (c) => {
    const name = c.req.param("algorithm");
    const algorithm = name === "sha-256"
      ? "SHA-256"
      : name === "sha-512-256"
      ? "SHA-512-256"
      : "MD5";
    const realm = "digest realm";
    const ok = checkDigest(
      c.req.header("authorization") ?? null,
      c.req.method,
      "user",
      "secret",
      realm,
      algorithm,
    );
    if (ok) return c.text(`digest ${algorithm} ok`);
    return c.text("digest please", 401, {
      "www-authenticate":
        `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${crypto.randomUUID()}", opaque="opaque-value"`,
    });
  });
  app.post("/upload", async (c) => {
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of c.req.raw.body!) {
      bytes += chunk.byteLength;
      chunks++;
    }
    return c.json({
      bytes,
      chunks,
      transferEncoding: c.req.header("transfer-encoding") ?? null,
      contentLength: c.req.header("content-length") ?? null,
    });
  });
  app.get("/slow", (c) =>
    stream(c, async (s) => {
      for (let i = 0; i < 4; i++) {
        await s.write(`part${i};`);
        await sleep(60);
      }
    }));
  app.get("/never-ends", (c) =>
    stream(c, async (s) => {
      await s.write("start;");
      await sleep(10_000);
    }));
  return app;
}

/** One event seen on a request or its response. */
export type Seen = string;

/**
 * Records the events of a request and of its response (as `response:<name>`), and resolves
 * once the request emits `close`.
 */
export function record(
  request: ClientRequest,
  options: { read?: boolean } = {},
): {
  events: Seen[];
  body: () => string;
  response: () => IncomingMessage | null;
  closed: Promise<void>;
  errors: unknown[];
} {
  const events: Seen[] = [];
  const errors: unknown[] = [];
  const chunks: Uint8Array[] = [];
  let response: IncomingMessage | null = null;
  const closed = Promise.withResolvers<void>();
  // Not `login`: a login listener must answer, so tests record it in their own.
  for (const name of ["finish", "abort", "redirect"]) {
    request.on(name, () => events.push(name));
  }
  request.on("error", (error: unknown) => {
    events.push("error");
    errors.push(error);
  });
  request.on("response", (res: IncomingMessage) => {
    events.push("response");
    response = res;
    for (const name of ["end", "aborted", "close"]) {
      res.on(name, () => events.push(`response:${name}`));
    }
    res.on("error", (error: unknown) => {
      events.push("response:error");
      errors.push(error);
    });
    if (options.read !== false) res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  });
  request.on("close", () => {
    events.push("close");
    closed.resolve();
  });
  return {
    events,
    errors,
    closed: closed.promise,
    response: () => response,
    body: () => new TextDecoder().decode(concatBytes(chunks)),
  };
}

function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** A fresh in-memory session with the default preset. */
export function freshSession(name: string) {
  return session.fromPartition(`net-test-${name}-${Math.random().toString(36).slice(2)}`);
}

export { sleep };
