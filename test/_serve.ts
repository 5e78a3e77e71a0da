/**
 * A local HTTP server for tests on 127.0.0.1, on Deno or Bun, from a `(Request) => Response`
 * handler (a hono app's `fetch` fits).
 *
 * @module
 */

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The port. */
  port: number;
  /** Stops the server. */
  close(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * Starts a server on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await serve(() => new Response("ok"));
 * await server.close();
 * ```
 */
export async function serve(handler: Handler, hostname = "127.0.0.1"): Promise<TestServer> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun) {
    const server = g.Bun.serve({ hostname, port: 0, fetch: handler, idleTimeout: 30 });
    return {
      url: `http://${hostname}:${server.port}`,
      port: server.port,
      close: async () => {
        await server.stop(true);
      },
    };
  }
  const server = g.Deno.serve({ hostname, port: 0, onListen() {} }, handler);
  return {
    url: `http://${hostname}:${server.addr.port}`,
    port: server.addr.port,
    close: async () => {
      await server.shutdown();
    },
  };
}

/**
 * A port on 127.0.0.1 where nothing listens (bound, then released).
 *
 * @example
 * ```ts
 * const port = await closedPort();
 * ```
 */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
