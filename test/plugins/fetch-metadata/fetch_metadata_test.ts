// Sec-Fetch-* headers as Chromium's network service sets them, seen by a real server on
// 127.0.0.1 (a trustworthy host) and localhost (another site), through net.request and ses.fetch.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net, session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import {
  fetchMetadataPlugin,
  fetchSite,
  isPotentiallyTrustworthy,
} from "../../../plugins/fetch-metadata/mod.ts";

let server: TestServer;
let ip = "";
let local = "";
before(async () => {
  server = await serve((request) => {
    const url = new URL(request.url);
    const to = url.searchParams.get("to");
    if (to) return new Response(null, { status: 302, headers: { location: to } });
    const out: Record<string, string | null> = {};
    for (const name of ["sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"]) {
      out[name] = request.headers.get(name);
    }
    return Response.json(out);
  });
  ip = `http://127.0.0.1:${server.port}`;
  local = `http://localhost:${server.port}`;
});
const opened: string[] = [];
after(async () => {
  for (const partition of opened) await session.closePartition(partition);
  await server.close();
});

function fresh() {
  const ses = session.fromPartition(`fetch-metadata-${Math.random()}`, {
    plugins: [fetchMetadataPlugin],
  });
  opened.push(ses.partition);
  return ses;
}

describe("Sec-Fetch-* headers", () => {
  it("ses.fetch without an initiator: none, no-cors, empty", async () => {
    const headers = await (await fresh().fetch(`${ip}/`)).json();
    assert.deepEqual(headers, {
      "sec-fetch-site": "none",
      "sec-fetch-mode": "no-cors",
      "sec-fetch-dest": "empty",
    });
  });

  it("net.request with an origin: same-origin, cross-site; a navigation is navigate/document", async () => {
    const ses = fresh();
    const read = (url: string, origin: string) =>
      new Promise<Record<string, string>>((resolve, reject) => {
        const request = net.request({ url, origin, session: ses });
        request.on("response", (response) => {
          let text = "";
          response.on("data", (c) => (text += c));
          response.on("end", () => resolve(JSON.parse(text)));
        });
        request.on("error", reject);
        request.end();
      });
    assert.equal((await read(`${ip}/`, ip))["sec-fetch-site"], "same-origin");
    assert.equal((await read(`${ip}/`, local))["sec-fetch-site"], "cross-site");
    const nav = await (await ses.fetch(`${ip}/`, { resourceType: "main_frame" })).json();
    assert.equal(nav["sec-fetch-mode"], "navigate");
    assert.equal(nav["sec-fetch-dest"], "document");
  });

  it("a redirect through another site makes the rest of the chain cross-site", async () => {
    const ses = fresh();
    const back = encodeURIComponent(`${ip}/final`);
    const via = encodeURIComponent(`${local}/?to=${back}`);
    const response = await ses.fetch(`${ip}/?to=${via}`, { initiator: ip } as RequestInit);
    assert.equal((await response.json())["sec-fetch-site"], "cross-site");
  });

  it("trustworthy URLs and site relations", () => {
    assert.equal(isPotentiallyTrustworthy(new URL("http://example.com/")), false);
    assert.equal(isPotentiallyTrustworthy(new URL("https://example.com/")), true);
    assert.equal(fetchSite("https://a.example.com", ["https://b.example.com/"]), "same-site");
    assert.equal(fetchSite("https://example.com", ["http://example.com/"]), "cross-site");
  });

  it("sessions without the plugin send none", async () => {
    const ses = session.fromPartition(`fetch-metadata-off-${Math.random()}`);
    opened.push(ses.partition);
    const headers = await (await ses.fetch(`${ip}/`)).json();
    assert.equal(headers["sec-fetch-site"], null);
  });

  it("a caller's Sec-Fetch-Site is replaced", async () => {
    const response = await fresh().fetch(`${ip}/`, {
      headers: { "sec-fetch-site": "same-origin" },
    });
    assert.equal((await response.json())["sec-fetch-site"], "none");
  });
});
