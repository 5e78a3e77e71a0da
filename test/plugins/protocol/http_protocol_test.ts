// Electron's deprecated http protocols (docs/api/protocol.md: registerHttpProtocol,
// interceptHttpProtocol; docs/api/structures/protocol-response.md: url, method, session,
// uploadData, referrer): the callback's answer names a new request, whose response is sent.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { protocol, session } from "../../../mod.ts";
import { failsWith, readySession, serveTestAppForFile } from "./_fixture.ts";

const server = serveTestAppForFile();

/** A port on 127.0.0.1 nothing listens on (one that was just closed). */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as { port: number };
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe("protocol: Electron's deprecated http protocols", () => {
  it("registerHttpProtocol answers with the response of the URL it names, redirects followed", async () => {
    const ses = await readySession("http-register");
    const registered = ses.protocol.registerHttpProtocol("proxied", (request, callback) => {
      const path = new URL(request.url).pathname;
      if (path === "/moved") return callback({ url: `${server.origin}/redirect/302?to=/hello` });
      callback({ url: `${server.origin}/echo`, referrer: `${server.origin}/from` });
    });
    assert.equal(registered, true);
    assert.equal(ses.protocol.registerHttpProtocol("proxied", () => {}), false);
    assert.equal(ses.protocol.isProtocolRegistered("proxied"), true);
    const moved = await ses.fetch("proxied://x/moved");
    assert.equal(moved.status, 200);
    assert.equal(await moved.text(), "hello");
    // The method defaults to the request's, the headers are the request's.
    const echoed = await ses.fetch("proxied://x/echo", {
      method: "DELETE",
      headers: { "x-test": "kept" },
    });
    const echo = await echoed.json() as Echo;
    assert.equal(echo.method, "DELETE");
    assert.equal(echo.headers["x-test"], "kept");
    assert.equal(echo.headers.referer, `${server.origin}/from`);
    assert.equal(ses.protocol.unregisterProtocol("proxied"), true);
  });

  it("method and uploadData make a POST; uploadData is left out of a GET", async () => {
    const ses = await readySession("http-upload");
    ses.protocol.registerHttpProtocol("post", (request, callback) => {
      callback({
        url: `${server.origin}/echo`,
        method: new URL(request.url).pathname === "/get" ? "GET" : "POST",
        uploadData: { contentType: "application/json", data: '{"a":1}' },
      });
    });
    const posted = await (await ses.fetch("post://x/post")).json() as Echo;
    assert.deepEqual([posted.method, posted.body], ["POST", '{"a":1}']);
    assert.equal(posted.headers["content-type"], "application/json");
    const got = await (await ses.fetch("post://x/get")).json() as Echo;
    assert.deepEqual([got.method, got.body, got.headers["content-type"]], ["GET", "", undefined]);
  });

  it("the request goes through the current session by default, a fresh one for session: null", async () => {
    const ses = await readySession("http-sessions");
    const other = await readySession("http-other");
    await ses.cookies.set({ url: server.origin, name: "who", value: "current" });
    await other.cookies.set({ url: server.origin, name: "who", value: "other" });
    ses.protocol.registerHttpProtocol("via", (request, callback) => {
      const which = new URL(request.url).pathname;
      const chosen = which === "/fresh" ? null : which === "/other" ? other : undefined;
      callback({
        url: `${server.origin}/echo`,
        ...(chosen === undefined ? {} : { session: chosen }),
      });
    });
    const cookieOf = async (path: string) =>
      ((await (await ses.fetch(`via://x${path}`)).json()) as Echo).headers.cookie;
    assert.equal(await cookieOf("/current"), "who=current");
    assert.equal(await cookieOf("/other"), "who=other");
    assert.equal(await cookieOf("/fresh"), undefined);
  });

  it("interceptHttpProtocol sends http requests elsewhere; failures keep their codes", async () => {
    const ses = await readySession("http-intercept");
    const refused = `http://127.0.0.1:${await closedPort()}/`;
    assert.equal(
      ses.protocol.interceptHttpProtocol("http", (request, callback) => {
        const url = new URL(request.url);
        if (url.pathname === "/refused") {
          return callback({ url: refused, session: null });
        }
        if (url.pathname === "/nourl") return callback({ session: null });
        // deno-lint-ignore no-explicit-any
        if (url.pathname === "/text") return callback("not an object" as any);
        callback({ url: `${url.origin}/echo?was=${url.pathname}`, session: null });
      }),
      true,
    );
    assert.equal(ses.protocol.interceptHttpProtocol("http", () => {}), false);
    assert.equal(ses.protocol.isProtocolIntercepted("http"), true);
    const echo = await (await ses.fetch(`${server.origin}/hello`)).json() as Echo;
    assert.equal(new URL(echo.url).search, "?was=/hello");
    await assert.rejects(
      ses.fetch(`${server.origin}/refused`),
      failsWith("net::ERR_CONNECTION_REFUSED"),
    );
    await assert.rejects(ses.fetch(`${server.origin}/nourl`), failsWith("net::ERR_INVALID_URL"));
    await assert.rejects(ses.fetch(`${server.origin}/text`), failsWith("net::ERR_NOT_IMPLEMENTED"));
    assert.equal(ses.protocol.uninterceptProtocol("http"), true);
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "hello");
  });

  it("refuses a bad handler with a TypeError; the module forwards to the default session", async () => {
    const ses = await readySession("http-refuse");
    // deno-lint-ignore no-explicit-any
    assert.throws(() => ses.protocol.registerHttpProtocol("web", null as any), {
      name: "TypeError",
      message: /registerHttpProtocol: the handler of "web" must be a function/,
    });
    assert.equal(ses.protocol.isProtocolRegistered("web"), false);
    await session.defaultSession.ready;
    assert.equal(protocol.interceptHttpProtocol("https", (_r, cb) => cb({ url: "" })), true);
    try {
      assert.equal(session.defaultSession.protocol.isProtocolIntercepted("https"), true);
    } finally {
      assert.equal(protocol.uninterceptProtocol("https"), true);
    }
  });
});
