// The session's HTTP auth cache (as Chromium's): credentials from `login` or from user:pass@ in a
// net.request URL are reused for the same realm, dropped when refused, and forgotten on
// clearAuthCache().
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import type { Session } from "../../../mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

async function get(ses: Session, url: string, answer?: [string, string] | null) {
  const request = net.request({ url, session: ses });
  let asked = 0;
  request.on("login", (_info, callback) => {
    asked++;
    if (answer) callback(...answer);
    else callback();
  });
  const seen = record(request);
  request.end();
  await seen.closed;
  return { status: seen.response()!.statusCode, body: seen.body(), asked };
}

describe("the session's auth cache", () => {
  it("reuses credentials from login for the same realm until clearAuthCache()", async () => {
    const ses = freshSession("cache");
    const url = `${server.origin}/basic`;
    assert.deepEqual(await get(ses, url, ["user", "secret"]), {
      status: 200,
      body: "welcome",
      asked: 1,
    });
    assert.deepEqual(await get(ses, url, null), { status: 200, body: "welcome", asked: 0 });
    assert.equal(await (await ses.fetch(url)).text(), "welcome");
    const other = freshSession("other");
    assert.equal((await get(other, url, null)).status, 401);
    await ses.clearAuthCache();
    assert.deepEqual(await get(ses, url, null), { status: 401, body: "who are you", asked: 1 });
  });

  it("takes user:pass@ from a net.request URL without sending it, and caches it", async () => {
    const ses = freshSession("url-identity");
    const withCredentials = `http://user:secret@127.0.0.1:${server.port}/basic`;
    assert.deepEqual(await get(ses, withCredentials, null), {
      status: 200,
      body: "welcome",
      asked: 0,
    });
    assert.deepEqual(await get(ses, `${server.origin}/basic`, null), {
      status: 200,
      body: "welcome",
      asked: 0,
    });
  });

  it("drops refused credentials and asks again", async () => {
    const ses = freshSession("refused");
    const wrong = `http://user:wrong@127.0.0.1:${server.port}/basic`;
    assert.deepEqual(await get(ses, wrong, ["user", "secret"]), {
      status: 200,
      body: "welcome",
      asked: 1,
    });
    assert.equal((await get(ses, `${server.origin}/basic`, null)).asked, 0);
  });

  it("is not used with credentials: omit", async () => {
    const ses = freshSession("omit");
    await get(ses, `${server.origin}/basic`, ["user", "secret"]);
    const response = await ses.fetch(`${server.origin}/basic`, { credentials: "omit" });
    assert.equal(response.status, 401);
    await response.text();
  });
});
