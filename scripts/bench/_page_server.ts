/**
 * The page the Chromium benchmarks load: `/` is an HTML page with `subresources` images, every
 * other path a 512-byte image, nothing cacheable, served by node:http on 127.0.0.1.
 *
 * @example
 * ```ts
 * const { origin, server } = await startPageServer(20);
 * // load `${origin}/` ...
 * server.close();
 * ```
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Starts the page server; resolves to its origin (`http://127.0.0.1:PORT`) and the server.
 *
 * @example
 * ```ts
 * const { origin } = await startPageServer(20);
 * ```
 */
export async function startPageServer(
  subresources: number,
): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url === "/") {
      const images = Array.from({ length: subresources }, (_, i) => `<img src="/r/${i}.png">`);
      response.writeHead(200, { "content-type": "text/html", "cache-control": "no-store" });
      response.end(`<!doctype html><title>bench</title>${images.join("")}`);
      return;
    }
    response.writeHead(200, { "content-type": "image/png", "cache-control": "no-store" });
    response.end("x".repeat(512));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
