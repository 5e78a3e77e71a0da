// A redirect from an https: origin to an http: one is a downgrade: the Referer of the second hop
// follows the policy again (Referrer Policy spec, Fetch's HTTP-redirect fetch), for each policy.
// The https origin is a real TLS server on 127.0.0.1 with a test CA, reached through a transport
// tap that trusts that CA.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { definePlugin, session } from "../../../mod.ts";
import { detectRuntime, transportFor } from "../../../adapters/runtime.ts";
import { issueTestCerts } from "../../_openssl_certs.ts";
import { serve, type TestServer } from "./_server.ts";

/** The Referer each hop carried ("none" when absent), in arrival order. */
const sent: string[] = [];

function handler(request: Request): Response {
  sent.push(request.headers.get("referer") ?? "none");
  const to = new URL(request.url).searchParams.get("to");
  if (to === null) return new Response("ok");
  const headers = new Headers({ location: to });
  const policy = new URL(request.url).searchParams.get("policy");
  if (policy !== null) headers.set("referrer-policy", policy);
  return new Response(null, { status: 302, headers });
}

let plain: TestServer;
let secureOrigin: string;
let closeSecure: () => Promise<void>;
const partitions: string[] = [];
let trustingTransport: ReturnType<typeof definePlugin>;

before(async () => {
  plain = await serve(handler);
  const { cert, key, ca } = issueTestCerts("websession referrer test CA", ["IP:127.0.0.1"]);
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun) {
    const server = g.Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: handler,
      tls: { cert, key },
    });
    secureOrigin = `https://127.0.0.1:${server.port}`;
    closeSecure = async () => await server.stop(true);
  } else {
    const options = { hostname: "127.0.0.1", port: 0, cert, key, onListen() {} };
    const server = g.Deno.serve(options, handler);
    secureOrigin = `https://127.0.0.1:${server.addr.port}`;
    closeSecure = () => server.shutdown();
  }
  const transport = transportFor(detectRuntime(), { caCerts: [ca] });
  trustingTransport = definePlugin({
    manifest: { name: "trusting-transport", version: "1.0.0", hooks: ["transport"] },
    setup(ctx) {
      ctx.tap("transport", (request) => transport.fetch(request));
    },
  });
});
after(async () => {
  for (const partition of partitions) await session.closePartition(partition);
  await plain.close();
  await closeSecure();
});

/** The Referer of each hop of `ses.fetch(url, { referrer, referrerPolicy })`. */
async function referersOf(url: string, referrer: string, policy: string): Promise<string[]> {
  const partition = `referrer-downgrade-${partitions.length}`;
  partitions.push(partition);
  const ses = session.fromPartition(partition, { plugins: [trustingTransport] });
  sent.length = 0;
  const init = { referrer, referrerPolicy: policy as ReferrerPolicy };
  await (await ses.fetch(url, init)).text();
  return [...sent];
}

describe("referrer: https -> http redirect (a downgrade)", () => {
  // The first hop (same origin, https) and the second (cross origin, http).
  const table: [string, string, string][] = [
    ["", "full", "none"],
    ["no-referrer", "none", "none"],
    ["no-referrer-when-downgrade", "full", "none"],
    ["same-origin", "full", "none"],
    ["origin", "origin", "origin"],
    ["strict-origin", "origin", "none"],
    ["origin-when-cross-origin", "full", "origin"],
    ["strict-origin-when-cross-origin", "full", "none"],
    ["unsafe-url", "full", "full"],
  ];
  for (const [policy, first, second] of table) {
    it(`policy "${policy}": first hop ${first}, after the downgrade ${second}`, async () => {
      const page = `${secureOrigin}/page?q=1`;
      const expect = (kind: string) =>
        kind === "full" ? page : kind === "origin" ? `${secureOrigin}/` : "none";
      const url = `${secureOrigin}/redirect?to=${encodeURIComponent(`${plain.origin}/x`)}`;
      assert.deepEqual(await referersOf(url, page, policy), [expect(first), expect(second)]);
    });
  }

  it("the redirect's Referrer-Policy header rules the hop after the downgrade", async () => {
    const page = `${secureOrigin}/page?q=1`;
    const to = encodeURIComponent(`${plain.origin}/x`);
    const url = `${secureOrigin}/redirect?to=${to}&policy=unsafe-url`;
    assert.deepEqual(await referersOf(url, page, ""), [page, page]);
  });
});
