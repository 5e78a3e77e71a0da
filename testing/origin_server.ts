/**
 * A local origin server for plugin tests: it listens on a free port of 127.0.0.1 (Deno or Bun),
 * answers with your handler, and records every request it received.
 *
 * @module
 */

/** One request the origin server received. */
export interface ReceivedRequest {
  /** The method. */
  method: string;
  /** The full URL, e.g. `http://127.0.0.1:PORT/path?q`. */
  url: string;
  /** The path and query, e.g. `/path?q`. */
  path: string;
  /** The headers as received (lower-case names). */
  headers: Record<string, string>;
  /** The body as text (`""` when there was none). */
  body: string;
}

/** A running origin server. */
export interface OriginServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The port. */
  readonly port: number;
  /** Every request received so far, oldest first. */
  readonly requests: readonly ReceivedRequest[];
  /** The most recent request (throws when there is none, saying so). */
  last(): ReceivedRequest;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** What answers the origin's requests. */
export type OriginHandler = (request: Request) => Response | Promise<Response>;

const defaultHandler: OriginHandler = (request) =>
  Response.json({ method: request.method, path: new URL(request.url).pathname });

interface RuntimeServer {
  port: number;
  stop(): Promise<void>;
}

function listen(hostname: string, fetch: OriginHandler): RuntimeServer {
  const g = globalThis as {
    Bun?: { serve(o: object): { port: number; stop(force: boolean): Promise<void> } };
    Deno?: {
      serve(o: object, h: OriginHandler): { addr: { port: number }; shutdown(): Promise<void> };
    };
  };
  if (g.Bun) {
    const server = g.Bun.serve({ hostname, port: 0, fetch, idleTimeout: 30 });
    return { port: server.port, stop: () => server.stop(true) };
  }
  if (g.Deno) {
    const server = g.Deno.serve({ hostname, port: 0, onListen() {} }, fetch);
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  throw new TypeError("originServer runs on Deno or Bun (a page cannot listen on a port)");
}

/**
 * Starts an origin server on a free port of 127.0.0.1. Without a handler it answers every request
 * with `{ method, path }` as JSON.
 *
 * @example
 * ```ts
 * const origin = await originServer((request) => new Response(`hello ${request.method}`));
 * await (await fetch(`${origin.url}/a?b=1`)).text(); // "hello GET"
 * origin.last().path; // "/a?b=1"
 * await origin.close();
 * ```
 */
export async function originServer(
  handler: OriginHandler = defaultHandler,
  hostname = "127.0.0.1",
): Promise<OriginServer> {
  if (typeof handler !== "function") {
    throw new TypeError("originServer: handler must be a function (request) => Response");
  }
  const requests: ReceivedRequest[] = [];
  const server = listen(hostname, async (request) => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      url: request.url,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: request.body ? await request.clone().text() : "",
    });
    return await handler(request);
  });
  await Promise.resolve();
  return {
    url: `http://${hostname}:${server.port}`,
    port: server.port,
    requests,
    last() {
      const request = requests.at(-1);
      if (!request) throw new Error(`originServer on port ${server.port} received no request`);
      return request;
    },
    close: () => server.stop(),
  };
}
