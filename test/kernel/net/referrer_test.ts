// The request's referrer, sent as `Referer` after the Referrer Policy spec's "determine request's
// referrer" on every hop (Fetch's HTTP-redirect fetch: recomputed after each redirect, whose
// `Referrer-Policy` header rules the next hop), from `ses.fetch`'s referrer/referrerPolicy and
// from `net.request`'s Referer header and referrerPolicy option (as Electron's
// net-client-request.ts: the Referer header is the request's referrer).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import { freshSession, serve, type TestServer } from "./_server.ts";

/** What each server was sent: `path -> Referer` ("none" when absent), in arrival order. */
const sent: string[] = [];
let a: TestServer, b: TestServer;

function handler(request: Request): Response {
  const url = new URL(request.url);
  sent.push(`${url.port} ${url.pathname} ${request.headers.get("referer") ?? "none"}`);
  if (url.pathname === "/redirect") {
    const headers = new Headers({ location: url.searchParams.get("to")! });
    const policy = url.searchParams.get("policy");
    if (policy !== null) headers.set("referrer-policy", policy);
    return new Response(null, { status: 302, headers });
  }
  return new Response(request.headers.get("referer") ?? "none");
}

before(async () => {
  a = await serve(handler);
  b = await serve(handler);
});
after(async () => {
  await a.close();
  await b.close();
});

/** The Referer the last request's hops carried, from `ses.fetch(url, init)`. */
async function referersOf(url: string, init: RequestInit): Promise<string[]> {
  sent.length = 0;
  const response = await freshSession("referrer").fetch(url, init);
  await response.text();
  return sent.map((line) => line.split(" ")[2]);
}

const SECURE_PAGE = "https://app.test/page?q=1";

describe("ses.fetch: referrer and referrerPolicy", () => {
  it("sends the referrer as Referer (default policy, same origin: the whole URL, no fragment)", async () => {
    const referrer = `${a.origin}/page?q=1#fragment`;
    assert.deepEqual(await referersOf(`${a.origin}/x`, { referrer }), [`${a.origin}/page?q=1`]);
  });

  it("strips credentials; cuts to the origin beyond 4096 bytes", async () => {
    const port = a.origin.split(":")[2];
    const withCredentials = `http://user:secret@127.0.0.1:${port}/p#f`;
    assert.deepEqual(
      await referersOf(`${a.origin}/x`, {
        referrer: withCredentials,
        referrerPolicy: "unsafe-url",
      }),
      [`${a.origin}/p`],
    );
    const long = `${a.origin}/${"a".repeat(5000)}`;
    assert.deepEqual(
      await referersOf(`${a.origin}/x`, { referrer: long, referrerPolicy: "unsafe-url" }),
      [`${a.origin}/`],
    );
  });

  // Referrer -> target: same origin (http), cross origin (http), downgrade (https page -> http).
  const table: [string, string, string, string][] = [
    ["", "full", "origin", "none"],
    ["no-referrer", "none", "none", "none"],
    ["no-referrer-when-downgrade", "full", "full", "none"],
    ["same-origin", "full", "none", "none"],
    ["origin", "origin", "origin", "origin"],
    ["strict-origin", "origin", "origin", "none"],
    ["origin-when-cross-origin", "full", "origin", "origin"],
    ["strict-origin-when-cross-origin", "full", "origin", "none"],
    ["unsafe-url", "full", "full", "full"],
  ];
  for (const [policy, sameOrigin, crossOrigin, downgrade] of table) {
    it(`policy "${policy}": same origin ${sameOrigin}, cross origin ${crossOrigin}, downgrade ${downgrade}`, async () => {
      const page = `${a.origin}/page?q=1`;
      const expect = (kind: string, referrer: string, origin: string) =>
        kind === "full" ? referrer : kind === "origin" ? `${origin}/` : "none";
      const init = (referrer: string) => ({ referrer, referrerPolicy: policy as ReferrerPolicy });
      assert.deepEqual(await referersOf(`${a.origin}/x`, init(page)), [
        expect(sameOrigin, page, a.origin),
      ]);
      assert.deepEqual(await referersOf(`${b.origin}/x`, init(page)), [
        expect(crossOrigin, page, a.origin),
      ]);
      assert.deepEqual(await referersOf(`${a.origin}/x`, init(SECURE_PAGE)), [
        expect(downgrade, SECURE_PAGE, "https://app.test"),
      ]);
    });
  }

  it("recomputes Referer on each redirect hop (same origin, then cross origin)", async () => {
    const page = `${a.origin}/page?q=1`;
    const url = `${a.origin}/redirect?to=${encodeURIComponent(`${b.origin}/x`)}`;
    assert.deepEqual(await referersOf(url, { referrer: page }), [page, `${a.origin}/`]);
  });

  it("a redirect response's Referrer-Policy rules the next hop", async () => {
    const page = `${a.origin}/page?q=1`;
    const to = encodeURIComponent(`${b.origin}/x`);
    assert.deepEqual(
      await referersOf(`${a.origin}/redirect?to=${to}&policy=unsafe-url`, { referrer: page }),
      [page, page],
    );
    assert.deepEqual(
      await referersOf(`${a.origin}/redirect?to=${to}&policy=bogus,%20no-referrer`, {
        referrer: page,
      }),
      [page, "none"],
    );
  });

  it("never sends a referrer of a local scheme or an opaque origin, whatever the policy", async () => {
    for (const referrer of ["data:text/plain,x", "about:blank", "file:///etc/page"]) {
      assert.deepEqual(
        await referersOf(`${a.origin}/x`, { referrer, referrerPolicy: "unsafe-url" }),
        ["none"],
        referrer,
      );
    }
  });

  it("net.fetch sends it too", async () => {
    sent.length = 0;
    const init = { referrer: `${a.origin}/page?q=1`, referrerPolicy: "origin" as const };
    assert.equal(await (await net.fetch(`${b.origin}/x`, init)).text(), `${a.origin}/`);
  });

  it("refuses an unknown referrerPolicy or an invalid referrer with a TypeError naming it", async () => {
    const ses = freshSession("referrer");
    await assert.rejects(
      ses.fetch(`${a.origin}/x`, { referrerPolicy: "bogus" as ReferrerPolicy }),
      (e: unknown) => e instanceof TypeError && /referrerPolicy/.test(e.message),
    );
    await assert.rejects(
      ses.fetch(`${a.origin}/x`, { referrer: "http://[bad" }),
      (e: unknown) => e instanceof TypeError && /referrer/.test(e.message),
    );
  });
});

/** The Referer of a listener's headers (their names as the request spelled them), or "none". */
function refererIn(headers: Record<string, string>): string {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === "referer");
  return name === undefined ? "none" : headers[name];
}

function withoutReferer(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== "referer"),
  );
}

describe("webRequest and the referrer", () => {
  it("details.referrer is what each hop sends; a listener's Referer wins", async () => {
    const ses = freshSession("referrer-web-request");
    const seen: string[] = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      seen.push(`${details.referrer} ${refererIn(details.requestHeaders)}`);
      if (!details.url.startsWith(b.origin)) return callback?.({});
      const headers = withoutReferer(details.requestHeaders);
      headers["Referer"] = "https://changed.test/";
      callback?.({ requestHeaders: headers });
    });
    const page = `${a.origin}/page?q=1`;
    const url = `${a.origin}/redirect?to=${encodeURIComponent(`${b.origin}/x`)}`;
    sent.length = 0;
    await (await ses.fetch(url, { referrer: page })).text();
    assert.deepEqual(seen, [`${page} ${page}`, `${a.origin}/ ${a.origin}/`]);
    assert.deepEqual(sent.map((line) => line.split(" ")[2]), [page, "https://changed.test/"]);
  });

  it("a listener that removes Referer sends none", async () => {
    const ses = freshSession("referrer-web-request");
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      callback?.({ requestHeaders: withoutReferer(details.requestHeaders) });
    });
    sent.length = 0;
    await (await ses.fetch(`${a.origin}/x`, { referrer: `${a.origin}/page` })).text();
    assert.deepEqual(sent.map((line) => line.split(" ")[2]), ["none"]);
  });
});

describe("net.request: the Referer header and referrerPolicy", () => {
  function requestReferers(
    url: string,
    referer: string,
    referrerPolicy?: string,
  ): Promise<string[]> {
    sent.length = 0;
    const request = net.request({ url, referrerPolicy, session: freshSession("referrer-net") });
    request.setHeader("Referer", referer);
    return new Promise((resolve, reject) => {
      request.on("response", (response) => {
        response.on("data", () => {});
        response.on("end", () => resolve(sent.map((line) => line.split(" ")[2])));
      });
      request.on("error", reject);
      request.end();
    });
  }

  it("sends the Referer header after the default policy (strict-origin-when-cross-origin)", async () => {
    const page = `${a.origin}/page?q=1`;
    assert.deepEqual(await requestReferers(`${a.origin}/x`, page), [page]);
    assert.deepEqual(await requestReferers(`${b.origin}/x`, page), [`${a.origin}/`]);
    assert.deepEqual(await requestReferers(`${a.origin}/x`, SECURE_PAGE), ["none"]);
  });

  it("applies referrerPolicy, again after a redirect", async () => {
    const page = `${a.origin}/page?q=1`;
    const url = `${a.origin}/redirect?to=${encodeURIComponent(`${b.origin}/x`)}`;
    assert.deepEqual(await requestReferers(url, page, "same-origin"), [page, "none"]);
    assert.deepEqual(await requestReferers(url, page, "unsafe-url"), [page, page]);
    assert.deepEqual(await requestReferers(`${a.origin}/x`, page, "origin"), [`${a.origin}/`]);
  });

  it("refuses an unknown referrerPolicy with a TypeError naming the option", () => {
    assert.throws(
      () => net.request({ url: `${a.origin}/x`, referrerPolicy: "bogus" }),
      (e: unknown) => e instanceof TypeError && /referrerPolicy/.test(e.message),
    );
  });
});
