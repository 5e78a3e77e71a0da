/**
 * The request path of `scripts/bench/cookies.ts`: a session with the cookies plugin against
 * fetch-cookie + tough-cookie, both over the runtime's fetch to the same local server, both with
 * the same 10,000 cookies over 1,000 domains plus 5 cookies for the server's host, each
 * response setting a cookie. Raw fetch and a session without plugins (the kernel's own cost) are
 * measured too, for scale.
 *
 * @module
 */
import makeFetchCookie from "fetch-cookie";
import { CookieJar as ToughJar, MemoryCookieStore } from "tough-cookie";
import { session } from "../../mod.ts";
import { cookiesPlugin } from "../../plugins/cookies/mod.ts";
import type { Figure } from "./_report.ts";

const CONCURRENCY = 8;
const PATHS = ["/", "/a", "/a/b", "/shop", "/shop/cart"];

/** Requests/s of `send` with CONCURRENCY requests in flight for about `ms`. */
async function throughput(send: (i: number) => Promise<void>, ms: number): Promise<number> {
  const end = performance.now() + ms;
  const start = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) await send(n++);
  }));
  return n / ((performance.now() - start) / 1000);
}

/**
 * Runs the request-path comparison and reports it.
 *
 * @example
 * ```ts
 * import { report } from "./_report.ts";
 * await requestPath(report, []);
 * ```
 */
export async function requestPath(
  report: (figure: Figure) => void,
  sets: Array<[string, string]>,
): Promise<void> {
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const seen = request.headers.get("cookie")?.length ?? 0;
    return new Response(`ok ${seen}`, {
      headers: { "set-cookie": `hit=${++hits}; Path=/; Max-Age=600` },
    });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const local = PATHS.map((p, i) => [`local${i}=value${i}; Path=${p}`, `${origin}${p}`] as const);

  const ses = session.fromPartition("bench-cookies-request-path", {
    preset: false,
    plugins: [cookiesPlugin],
  });
  const bare = session.fromPartition("bench-cookies-no-plugins", { preset: false, plugins: [] });
  await bare.ready;
  await ses.ready;
  const tough = new ToughJar(new MemoryCookieStore());
  for (const [h, u] of [...sets, ...local]) {
    ses.cookies.jar.setCookie(h, u);
    tough.setCookieSync(h, u);
  }
  const fetchCookie = makeFetchCookie(fetch, tough);
  const url = (i: number) => `${origin}${PATHS[i % PATHS.length]}/page`;

  // Same answers first: both send the same cookies.
  const a = await (await ses.fetch(url(2))).text();
  const b = await (await fetchCookie(url(2))).text();
  if (a !== b) throw new Error(`The two paths sent different cookies: ${a} vs ${b}`);

  const sends = {
    raw: async (i: number) => void await (await fetch(url(i))).arrayBuffer(),
    fetchCookie: async (i: number) => void await (await fetchCookie(url(i))).arrayBuffer(),
    ours: async (i: number) => void await (await ses.fetch(url(i))).arrayBuffer(),
    bare: async (i: number) => void await (await bare.fetch(url(i))).arrayBuffer(),
  };
  const totals = { raw: 0, fetchCookie: 0, ours: 0, bare: 0 };
  for (const send of Object.values(sends)) await throughput(send, 500); // warm up
  const rounds = 8;
  for (let r = 0; r < rounds; r++) {
    for (const [name, send] of Object.entries(sends)) {
      totals[name as keyof typeof totals] += await throughput(send, 300);
    }
  }
  const raw = totals.raw / rounds;
  const viaFetchCookie = totals.fetchCookie / rounds;
  const ours = totals.ours / rounds;
  const kernelOnly = totals.bare / rounds;
  report({
    bench: "cookies",
    figure: `request path, ${CONCURRENCY} in flight (raw fetch ${Math.round(raw)} req/s)`,
    value: ours,
    unit: "req/s",
    baseline: { name: "fetch-cookie + tough-cookie", value: viaFetchCookie },
    goal: "ratio > 1",
    met: ours > viaFetchCookie,
  });
  report({
    bench: "cookies",
    figure: "request path: cookies plugin against a session without plugins (context)",
    value: ours,
    unit: "req/s",
    baseline: { name: "session without plugins", value: kernelOnly },
  });
  report({
    bench: "cookies",
    figure: "fetch-cookie's share of raw fetch throughput (context)",
    value: viaFetchCookie / raw,
    unit: "ratio",
  });
  await session.closePartition(ses.partition);
  await session.closePartition(bare.partition);
  await server.shutdown();
}
