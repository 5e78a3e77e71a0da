// useSessionCookies with the cookies plugin of the default preset: net.request neither sends nor
// stores the session's cookies unless asked; ses.fetch does both.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

async function get(url: string, options: Record<string, unknown>) {
  const request = net.request({ url, ...options });
  const seen = record(request);
  request.end();
  await seen.closed;
  return seen;
}

describe("ClientRequest and the session's cookies", () => {
  it("by default stores none and sends none; useSessionCookies: true does both", async () => {
    const ses = freshSession("cookies");
    await ses.ready;
    await get(`${server.origin}/cookies`, { session: ses });
    assert.deepEqual(await ses.cookies.get({}), []);

    await get(`${server.origin}/cookies`, { session: ses, useSessionCookies: true });
    const names = (await ses.cookies.get({})).map((c) => c.name).sort();
    assert.deepEqual(names, ["a", "b"]);

    const plain = await get(`${server.origin}/echo`, { session: ses });
    assert.equal(JSON.parse(plain.body()).headers.cookie, undefined);
    const withCookies = await get(`${server.origin}/echo`, {
      session: ses,
      useSessionCookies: true,
    });
    assert.equal(JSON.parse(withCookies.body()).headers.cookie, "a=1; b=2");
  });

  it("credentials: include sends them, omit does not, whatever useSessionCookies says", async () => {
    const ses = freshSession("credentials");
    await ses.ready;
    await (await ses.fetch(`${server.origin}/cookies`)).arrayBuffer();
    const include = await get(`${server.origin}/echo`, { session: ses, credentials: "include" });
    assert.equal(JSON.parse(include.body()).headers.cookie, "a=1; b=2");
    const omit = await get(`${server.origin}/echo`, {
      session: ses,
      credentials: "omit",
      useSessionCookies: true,
    });
    assert.equal(JSON.parse(omit.body()).headers.cookie, undefined);
  });

  it("credentials: same-origin sends and stores them only when origin is the URL's origin", async () => {
    const ses = freshSession("same-origin");
    await ses.ready;
    await (await ses.fetch(`${server.origin}/cookies`)).arrayBuffer();
    // Same site (127.0.0.1), another origin (port): fetch's same-origin mode gives no credentials.
    const otherOrigin = "http://127.0.0.1:1";
    const same = await get(`${server.origin}/echo`, {
      session: ses,
      credentials: "same-origin",
      origin: server.origin,
    });
    assert.equal(JSON.parse(same.body()).headers.cookie, "a=1; b=2");
    const cross = await get(`${server.origin}/echo`, {
      session: ses,
      credentials: "same-origin",
      origin: otherOrigin,
    });
    assert.equal(JSON.parse(cross.body()).headers.cookie, undefined);

    const fresh = freshSession("same-origin-store");
    await fresh.ready;
    await get(`${server.origin}/cookies`, {
      session: fresh,
      credentials: "same-origin",
      origin: otherOrigin,
    });
    assert.deepEqual(await fresh.cookies.get({}), []);
  });

  it("credentials: same-origin asks no login across origins (the 401 is the response)", async () => {
    const logins: string[] = [];
    for (const origin of ["http://127.0.0.1:1", server.origin]) {
      const request = net.request({
        url: `${server.origin}/basic`,
        session: freshSession("same-origin-login"),
        credentials: "same-origin",
        origin,
      });
      request.on("login", (_info, callback) => {
        logins.push(origin);
        callback("user", "secret");
      });
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.equal(seen.response()?.statusCode, origin === server.origin ? 200 : 401);
    }
    assert.deepEqual(logins, [server.origin]);
  });

  it("an Origin header set on the request is its origin, as Electron reads it (SameSite)", async () => {
    const ses = freshSession("origin-header");
    await ses.ready;
    await ses.cookies.set({ url: server.origin, name: "strict", value: "1", sameSite: "strict" });
    const sent: unknown[] = [];
    for (const origin of [undefined, "http://elsewhere.test"]) {
      const request = net.request({
        url: `${server.origin}/echo`,
        session: ses,
        useSessionCookies: true,
      });
      if (origin) request.setHeader("Origin", origin);
      const seen = record(request);
      request.end();
      await seen.closed;
      sent.push(JSON.parse(seen.body()).headers.cookie);
    }
    assert.deepEqual(sent, ["strict=1", undefined]);
  });
});
