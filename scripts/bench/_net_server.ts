/**
 * The loopback server of `scripts/bench/net.ts`, run in its own process so that it does not
 * share the measured process's thread or memory: `/` answers a small text, `/upload` drains the
 * body and answers its size. Prints its port on the first line.
 *
 * @module
 */
const body = "hello from the bench server";
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async (request) => {
  if (new URL(request.url).pathname === "/upload") {
    let bytes = 0;
    for await (const chunk of request.body!) bytes += chunk.byteLength;
    return new Response(String(bytes));
  }
  return new Response(body, { headers: { "content-type": "text/plain" } });
});
