/**
 * Round trips through a real server reached under two local names, 127.0.0.1 and localhost
 * (two different sites): host-only cookies, SameSite from the request's initiator, Secure on
 * trustworthy http hosts, the __Host- prefix, partitioned (CHIPS) cookies keyed by the top-level
 * site, and the opt-outs of a request.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SessionFetchInit } from "../../../mod.ts";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { type OriginServer, originServer, testSession } from "../../../testing/mod.ts";

let server: OriginServer;
let ip = "";
let local = "";
before(async () => {
  server = await originServer((request) => {
    const url = new URL(request.url);
    const headers = new Headers({ "content-type": "text/plain" });
    for (const line of url.searchParams.getAll("set")) headers.append("set-cookie", line);
    const to = url.searchParams.get("to");
    if (to) {
      headers.set("location", to);
      return new Response(null, { status: 302, headers });
    }
    return new Response(request.headers.get("cookie") ?? "", { headers });
  });
  ip = `http://127.0.0.1:${server.port}`;
  local = `http://localhost:${server.port}`;
});
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
  await server.close();
});

type CookiesSession = ReturnType<typeof fresh>;

/** A session with only the cookies plugin (websession/testing). */
function fresh() {
  const { ses, close } = testSession([cookiesPlugin]);
  closers.push(close);
  return ses;
}

async function set(ses: CookiesSession, base: string, lines: string[], init?: SessionFetchInit) {
  const q = lines.map((l) => `set=${encodeURIComponent(l)}`).join("&");
  const response = await ses.fetch(`${base}/set?${q}`, init);
  await response.text();
}

async function sent(ses: CookiesSession, url: string, init?: SessionFetchInit): Promise<string> {
  return await (await ses.fetch(url, init)).text();
}

describe("round trips on 127.0.0.1 and localhost", () => {
  it("keeps host-only cookies to their host", async () => {
    const ses = fresh();
    await set(ses, ip, ["a=ip"]);
    await set(ses, local, ["a=local"]);
    assert.equal(await sent(ses, `${ip}/`), "a=ip");
    assert.equal(await sent(ses, `${local}/`), "a=local");
  });

  it("takes sameSite no_restriction on http://127.0.0.1 from the API (Secure by default) and from a header with Secure", async () => {
    const ses = fresh();
    await ses.cookies.set({ url: `${ip}/`, name: "api", value: "1", sameSite: "no_restriction" });
    const [cookie] = await ses.cookies.get({ name: "api" });
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, "no_restriction");
    await assert.rejects(
      ses.cookies.set({
        url: `${ip}/`,
        name: "bad",
        value: "1",
        sameSite: "no_restriction",
        secure: false,
      }),
      /SameSite=None cookie without Secure/,
    );
    await set(ses, ip, ["hdr=2; SameSite=None; Secure", "insecure=3; SameSite=None"]);
    assert.equal(await sent(ses, `${ip}/`), "api=1; hdr=2");
  });

  it("refuses a Domain attribute on an IP address but takes one equal to the host", async () => {
    const ses = fresh();
    await set(ses, ip, ["x=1; Domain=0.0.1", "y=2; Domain=127.0.0.1"]);
    assert.equal(await sent(ses, `${ip}/`), "y=2");
    const [y] = await ses.cookies.get({ name: "y" });
    assert.equal(y.hostOnly, true);
  });

  it("sets and sends Secure cookies over http on trustworthy hosts, with __Host-", async () => {
    const ses = fresh();
    await set(ses, local, ["s=1; Secure", "__Host-h=2; Secure; Path=/", "__Host-bad=3; Path=/"]);
    assert.equal(await sent(ses, `${local}/x`), "s=1; __Host-h=2");
  });

  it("sends Strict and Lax cookies only to same-site requests", async () => {
    const ses = fresh();
    await set(ses, ip, [
      "strict=1; SameSite=Strict",
      "lax=2; SameSite=Lax",
      "none=3; SameSite=None; Secure",
      "default=4",
    ]);
    assert.equal(await sent(ses, `${ip}/`), "strict=1; lax=2; none=3; default=4");
    assert.equal(
      await sent(ses, `${ip}/`, { initiator: ip }),
      "strict=1; lax=2; none=3; default=4",
    );
    // localhost is another site: a subresource request it starts carries only SameSite=None
    assert.equal(await sent(ses, `${ip}/`, { initiator: local }), "none=3");
    // a top-level navigation from it carries Lax (and Lax-by-default) cookies too
    assert.equal(
      await sent(ses, `${ip}/`, { initiator: local, resourceType: "main_frame" }),
      "lax=2; none=3; default=4",
    );
    // an unsafe top-level navigation: only Lax-by-default cookies under two minutes old
    assert.equal(
      await sent(ses, `${ip}/`, {
        initiator: local,
        resourceType: "main_frame",
        method: "POST",
        body: "x",
      }),
      "none=3; default=4",
    );
  });

  it("refuses SameSite=Lax/Strict/default cookies set by a cross-site subresource response", async () => {
    const ses = fresh();
    await set(ses, ip, ["lax=1; SameSite=Lax", "def=2", "none=3; SameSite=None; Secure"], {
      initiator: local,
    });
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["none"]);
    await set(ses, ip, ["lax=1; SameSite=Lax"], { initiator: local, resourceType: "main_frame" });
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name).sort(), ["lax", "none"]);
  });

  it("keys partitioned cookies by the top-level site", async () => {
    const ses = fresh();
    await set(ses, ip, ["chip=1; Secure; Partitioned; SameSite=None"], {
      initiator: local,
      topLevelSite: local,
    });
    await set(ses, ip, ["plain=2; Secure; SameSite=None"], {
      initiator: local,
      topLevelSite: local,
    });
    assert.equal(
      await sent(ses, `${ip}/`, { initiator: local, topLevelSite: local }),
      "chip=1; plain=2",
    );
    // embedded under another top-level site, the partitioned cookie stays behind
    assert.equal(await sent(ses, `${ip}/`, { initiator: ip, topLevelSite: ip }), "plain=2");
    const [chip] = await ses.cookies.get({ name: "chip" });
    assert.equal(chip.partitionKey, "http://localhost");
  });

  it("leaves cookies out with credentials: omit and useSessionCookies: false", async () => {
    const ses = fresh();
    await set(ses, ip, ["a=1"]);
    assert.equal(await sent(ses, `${ip}/`, { credentials: "omit" }), "");
    assert.equal(await sent(ses, `${ip}/`, { useSessionCookies: false }), "");
    await set(ses, ip, ["b=2"], { credentials: "omit" });
    assert.equal(await sent(ses, `${ip}/`), "a=1");
  });

  it("keeps a Cookie header the caller set, followed by the jar's, on every hop", async () => {
    const ses = fresh();
    await set(ses, ip, ["a=1"]);
    assert.equal(await sent(ses, `${ip}/`, { headers: { cookie: "mine=0" } }), "mine=0; a=1");
    // the redirect sets b on the way: the next hop carries the caller's cookie once, then a and b
    const hop = `${ip}/r?set=b%3D2&to=${encodeURIComponent(`${ip}/end`)}`;
    assert.equal(await sent(ses, hop, { headers: { cookie: "mine=0" } }), "mine=0; a=1; b=2");
  });
});

// The Cookie tap does nothing while the jar is empty (issue #24: a session without cookies pays
// nothing for them). What it must still do: send cookies added after the first request and not
// removed ones, send the caller's own Cookie as given, and take back what it wrote on a hop when a
// redirect empties the jar before the next one.
describe("the Cookie tap with an empty jar", () => {
  it("sends a cookie set through the API after the first request, and none once removed", async () => {
    const ses = fresh();
    assert.equal(await sent(ses, `${ip}/`), "");
    await ses.cookies.set({ url: ip, name: "late", value: "1" });
    assert.equal(await sent(ses, `${ip}/`), "late=1");
    await ses.cookies.remove(ip, "late");
    assert.equal(await sent(ses, `${ip}/`), "");
  });

  it("sends a cookie a response set after requests with an empty jar", async () => {
    const ses = fresh();
    assert.equal(await sent(ses, `${ip}/`), "");
    await set(ses, ip, ["a=b"]);
    assert.equal(await sent(ses, `${ip}/`), "a=b");
    assert.equal(await sent(fresh(), `${ip}/`, { headers: { cookie: "own=1" } }), "own=1");
  });

  it("takes back the first hop's cookies when a redirect empties the jar, keeping the caller's", async () => {
    const expire = encodeURIComponent("gone=; Max-Age=0");
    const hop = `${ip}/r?set=${expire}&to=${encodeURIComponent(`${ip}/end`)}`;
    const ses = fresh();
    await ses.cookies.set({ url: ip, name: "gone", value: "1" });
    assert.equal(await sent(ses, hop), "");
    await ses.cookies.set({ url: ip, name: "gone", value: "1" });
    assert.equal(await sent(ses, hop, { headers: { cookie: "own=1" } }), "own=1");
  });
});
