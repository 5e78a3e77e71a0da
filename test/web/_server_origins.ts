// The origins the session server's tests proxy to: a Web origin (text, cookies, uploads, a
// large and an endless body, a slow answer), a TLS one with a self-signed certificate for
// localhost, and a node:http one (upgrades, hop-by-hop response headers, GET bodies).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { echoUpgrades } from "./_server_process.ts";
import { serve, type TestServer } from "../_serve.ts";
import { requireCommand } from "../_system.ts";

/** The size of `/big`. */
export const BIG = 24 * 1024 * 1024;

/** The running origins. */
export interface Origins {
  /** The Web origin. */
  origin: TestServer;
  /** The TLS origin (`https://localhost:tlsPort/` answers "secret over tls"). */
  tls: HttpsServer;
  /** Its port. */
  tlsPort: number;
  /** The node:http origin. */
  nodeOrigin: HttpServer;
  /** Its base URL. */
  nodeUrl: string;
  /** Stops them all. */
  close(): Promise<void>;
}

/** Starts the origins; `dir` keeps the TLS origin's key and certificate. */
export async function startOrigins(dir: string): Promise<Origins> {
  const origin = await serve(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/hello") return new Response(`hello ${request.method}`);
    if (url.pathname === "/login") {
      return new Response("logged in", {
        headers: { "set-cookie": "sid=kept-across-restarts; Max-Age=3600; Path=/" },
      });
    }
    if (url.pathname === "/whoami") return new Response(request.headers.get("cookie") ?? "nobody");
    if (url.pathname === "/expect") {
      await request.arrayBuffer();
      return new Response(`expect: ${request.headers.get("expect") ?? "none"}`);
    }
    if (url.pathname === "/upload") {
      const bytes = new Uint8Array(await request.arrayBuffer());
      let sum = 0;
      for (const b of bytes) sum = (sum + b) % 65521;
      return new Response(`${bytes.length} ${sum}`);
    }
    if (url.pathname === "/big") {
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024).fill(97);
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (sent >= BIG) return controller.close();
            controller.enqueue(chunk);
            sent += chunk.length;
          },
        }),
      );
    }
    if (url.pathname === "/endless") {
      return new Response(
        new ReadableStream({
          async pull(controller) {
            await new Promise((r) => setTimeout(r, 20));
            controller.enqueue(new TextEncoder().encode("tick\n"));
          },
        }),
      );
    }
    if (url.pathname === "/slow") {
      await new Promise((r) => setTimeout(r, 800));
      return new Response("slow done");
    }
    return new Response("not found", { status: 404 });
  });
  execFileSync(requireCommand("openssl"), [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=localhost",
    "-keyout",
    `${dir}/key.pem`,
    "-out",
    `${dir}/cert.pem`,
  ], { stdio: "ignore" });
  const tls = createHttpsServer({
    key: readFileSync(`${dir}/key.pem`),
    cert: readFileSync(`${dir}/cert.pem`),
  }, (_req, res) => res.end("secret over tls"));
  await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
  const nodeOrigin = createHttpServer((req, res) => {
    if (req.url === "/get-body") {
      let bytes = 0;
      req.on("data", (chunk: Uint8Array) => (bytes += chunk.length));
      req.on("end", () => res.end(`${req.method} with ${bytes} bytes`));
      return;
    }
    // x-hop-secret is named by Connection: meant for the proxy's hop only (RFC 9110 7.6.1)
    res.writeHead(200, {
      connection: "keep-alive, x-hop-secret",
      "x-hop-secret": "1",
      "x-kept": "1",
    });
    res.end("not upgraded");
  });
  echoUpgrades(nodeOrigin);
  await new Promise<void>((resolve) => nodeOrigin.listen(0, "127.0.0.1", resolve));
  const tlsPort = (tls.address() as { port: number }).port;
  const nodeUrl = `http://127.0.0.1:${(nodeOrigin.address() as { port: number }).port}`;
  return {
    origin,
    tls,
    tlsPort,
    nodeOrigin,
    nodeUrl,
    async close() {
      await origin.close();
      await new Promise((resolve) => tls.close(resolve));
      await new Promise((resolve) => nodeOrigin.close(resolve));
    },
  };
}
