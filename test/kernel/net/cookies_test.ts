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
});
