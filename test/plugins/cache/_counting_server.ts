/**
 * A local server for the cache tests that counts the requests of each path and answers as the
 * path says (`/max-age`, `/etag`, ...). `hits(path)` reads the count, `last(path)` the last
 * request's headers.
 *
 * @module
 */
import { serve, type TestServer } from "../../_serve.ts";

/** The counting server. */
export interface CountingServer extends TestServer {
  /** How many requests reached `path`. */
  hits(path: string): number;
  /** The headers of the last request to `path`. */
  last(path: string): Headers | undefined;
}

const OLD = new Date(Date.now() - 10 * 24 * 3600 * 1000).toUTCString();

function answer(request: Request, path: string, count: number): Response {
  const h = request.headers;
  switch (path) {
    case "/max-age":
      return new Response(`max-age ${count}`, { headers: { "cache-control": "max-age=60" } });
    case "/expires":
      return new Response(`expires ${count}`, {
        headers: { expires: new Date(Date.now() + 60_000).toUTCString() },
      });
    case "/expired":
      return new Response(`expired ${count}`, {
        headers: {
          expires: new Date(Date.now() - 60_000).toUTCString(),
          date: new Date().toUTCString(),
        },
      });
    case "/heuristic":
      return new Response(`heuristic ${count}`, { headers: { "last-modified": OLD } });
    case "/etag":
      if (h.get("if-none-match") === '"v1"') {
        return new Response(null, {
          status: 304,
          headers: { etag: '"v1"', "x-fresh": String(count) },
        });
      }
      return new Response(`etag ${count}`, {
        headers: { etag: '"v1"', "cache-control": "no-cache", "x-fresh": String(count) },
      });
    case "/last-modified":
      if (h.get("if-modified-since") === OLD) return new Response(null, { status: 304 });
      return new Response(`lm ${count}`, {
        headers: { "last-modified": OLD, "cache-control": "max-age=0" },
      });
    case "/changed":
      // Validates with an ETag, but answers a new body each time.
      return new Response(`changed ${count}`, {
        headers: { etag: `"c${count}"`, "cache-control": "no-cache" },
      });
    case "/no-store":
      return new Response(`no-store ${count}`, {
        headers: { "cache-control": "no-store, max-age=60" },
      });
    case "/private":
      return new Response(`private ${count}`, {
        headers: { "cache-control": "private, max-age=60" },
      });
    case "/vary":
      return new Response(`${h.get("accept-language")} ${count}`, {
        headers: { "cache-control": "max-age=60", vary: "accept-language" },
      });
    case "/must-revalidate": {
      const fresh = new URL(request.url).searchParams.get("fresh") ?? "0";
      if (h.get("if-none-match") === '"m"') {
        return new Response(null, { status: 304, headers: { etag: '"m"' } });
      }
      return new Response(`must ${count}`, {
        headers: { etag: '"m"', "cache-control": `max-age=${fresh}, must-revalidate` },
      });
    }
    case "/swr":
      return new Response(`swr ${count}`, {
        headers: {
          "cache-control": "max-age=1, stale-while-revalidate=60",
          date: new Date().toUTCString(),
        },
      });
    case "/big":
      return new Response(new Uint8Array(64 * 1024).fill(count % 256), {
        headers: { "cache-control": "max-age=60" },
      });
    case "/cookie":
      return new Response(`cookie ${count}`, {
        headers: { "cache-control": "max-age=60", "set-cookie": `n=${count}; Path=/` },
      });
    default:
      if (path.startsWith("/resource")) {
        if (request.method !== "GET") return new Response("changed", { status: 200 });
        return new Response(`resource ${count}`, { headers: { "cache-control": "max-age=60" } });
      }
      return new Response("not found", { status: 404 });
  }
}

/**
 * Starts the counting server.
 *
 * @example
 * ```ts
 * const server = await countingServer();
 * server.hits("/max-age"); // 0
 * await server.close();
 * ```
 */
export async function countingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const lasts = new Map<string, Headers>();
  const server = await serve((request) => {
    const path = new URL(request.url).pathname;
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    lasts.set(path, new Headers(request.headers));
    return answer(request, path, count);
  });
  return {
    ...server,
    hits: (path) => counts.get(path) ?? 0,
    last: (path) => lasts.get(path),
  };
}
